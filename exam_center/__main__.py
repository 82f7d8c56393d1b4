from exam_center.cli import main

main()
