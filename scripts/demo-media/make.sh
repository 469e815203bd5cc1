#!/bin/sh
# Makes clip.mp4, the short video in `npm run demo`'s sample folder: three seconds of ffmpeg's
# test pattern, small enough to commit, so the demo runs where ffmpeg is not installed.
# Run from anywhere: sh scripts/demo-media/make.sh
set -eu
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i 'testsrc=size=160x120:rate=10:duration=3' \
  -c:v libx264 -preset veryslow -crf 38 -pix_fmt yuv420p \
  -metadata creation_time=2024-06-01T10:00:00Z \
  -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
  -movflags +faststart \
  clip.mp4
