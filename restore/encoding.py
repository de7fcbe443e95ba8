"""Text that is not UTF-8 but shows what it is: UTF-16 and UTF-32, with or without a byte-order mark.

Such a file is full of NUL bytes and would otherwise be called binary data; naming the encoding and the
conversion command saves the user a guess. (A UTF-8 byte-order mark, by contrast, is simply kept: it is
the text's first character, so a clean file comes back byte for byte and offsets match the file.)
"""

from __future__ import annotations

_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32 (big-endian)", "UTF-32"),
         (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)", "UTF-32"),
         (b"\xfe\xff", "UTF-16 (big-endian)", "UTF-16"),
         (b"\xff\xfe", "UTF-16 (little-endian)", "UTF-16"))


def wide_encoding(data: bytes) -> str | None:
    """Why ``data`` is not UTF-8 when it looks like UTF-16/32 (and how to convert it), else None."""
    for bom, name, iconv in _BOMS:
        if data.startswith(bom):
            return _message(name, iconv)
    head = data[:512]
    if len(head) >= 4:  # no BOM: mostly-ASCII UTF-16 has a NUL in every other byte
        even, odd = head[0::2], head[1::2]
        if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
            return _message("UTF-16 (little-endian, no byte-order mark)", "UTF-16LE")
        if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
            return _message("UTF-16 (big-endian, no byte-order mark)", "UTF-16BE")
    return None


def _message(name: str, iconv: str) -> str:
    return (f"looks like {name} text; restore reads UTF-8: convert it first, "
            f"e.g. iconv -f {iconv} -t UTF-8 FILE > FILE.utf8")
