# Writes every character that GBK encodes (plus printable ASCII) to gbk-chars.txt, one file
# of text for pyftsubset --text-file.
chars = set(chr(c) for c in range(0x20, 0x7f))
for lead in range(0x81, 0xff):
    for trail in range(0x40, 0xff):
        if trail == 0x7f:
            continue
        try:
            chars.add(bytes([lead, trail]).decode("gbk"))
        except UnicodeDecodeError:
            pass
chars.add("\u00a0")
open("gbk-chars.txt", "w", encoding="utf-8").write("".join(sorted(chars)))
print(len(chars))
