#!/usr/bin/env bash
# Installs the Debian packages exam-center needs, only when they are missing:
# a CJK font for the sheets and documents.
set -euo pipefail
have_cjk_font() {
  for f in /usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
           /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
           /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc; do
    [ -f "$f" ] && return 0
  done
  return 1
}
if have_cjk_font; then exit 0; fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "exam-center needs a CJK font: install Debian's fonts-wqy-microhei (or fonts-noto-cjk)," >&2
  echo "or set EXAM_CENTER_FONT to a .ttf/.ttc file with Chinese glyphs." >&2
  exit 0
fi
echo "Installing a CJK font (fonts-wqy-microhei)…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq fonts-wqy-microhei >/dev/null
