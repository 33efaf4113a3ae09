#!/bin/sh
# Redraws src/report/whatif-example.png (the README's what-if map): plans 民乐, opens the first
# unchosen candidate that reaches an unserved village by clicking it, and photographs the map
# section in headless Chromium with the bundled font. Needs chromium and pngquant.
# Usage: tests/scripts/whatif-screenshot.sh   (from the repository root)
set -eu
root=$(pwd)
tmp=$(mktemp -d)
cargo run --release --quiet -- plan seeds/minle.toml --out "$tmp" --quiet
cat > "$tmp/fonts.conf" <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>$root/src/map/font</dir>
  <cachedir>$tmp/fontcache</cachedir>
</fontconfig>
CONF
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
s = open(d + '/minle/report.html', encoding='utf-8').read()
inj = '''<style>main>*:not(#wmap):not(#whatif):not(#sec-map){display:none}main{padding:4px 16px}h2{margin-top:6px}</style>
<script>window.addEventListener('load', function () {
  var S = window.yanglaoMap.sites, D = JSON.parse(document.getElementById('map-data').textContent), pick = -1;
  D.v.forEach(function (v, i) {
    if (pick >= 0 || v[7] !== 2) { return; }
    for (var k = 0; k < D.reach[i].length; k += 2) { var s = D.reach[i][k]; if (S[s][6] === 3 && S[s][7] === 0) { pick = s; break; } }
  });
  var e = document.querySelector('#map-svg [data-s="' + pick + '"]'), b = e.getBoundingClientRect();
  e.dispatchEvent(new MouseEvent('click', {clientX: b.left + b.width / 2, clientY: b.top + b.height / 2, bubbles: true}));
});</script></body>'''
open(d + '/shot.html', 'w', encoding='utf-8').write(s.replace('</body>', inj))
PY
FONTCONFIG_FILE="$tmp/fonts.conf" chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=900,1330 --screenshot="$tmp/shot.png" "file://$tmp/shot.html"
pngquant --force --quality 60-85 --output src/report/whatif-example.png 48 "$tmp/shot.png"
rm -rf "$tmp"
