#!/bin/sh
# Renders the app icon (icon.svg) at the sizes browsers ask for (Debian: librsvg2-bin). The artwork keeps
# inside the central 80 % (the maskable safe zone) on a full-bleed background, so the same pictures serve as
# "any" and "maskable" icons.
set -eu
cd "$(dirname "$0")"
out=../public/icons
for size in 192 512; do rsvg-convert -w "$size" -h "$size" icon.svg -o "$out/icon-$size.png"; done
rsvg-convert -w 180 -h 180 icon.svg -o "$out/apple-touch-icon.png"
