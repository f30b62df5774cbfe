"""Hostile documents built in memory for the tests (nothing big is checked in): a zip-bomb .docx and deep HTML."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import lru_cache

import docx

_MIB = 1024 * 1024


def small_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@lru_cache(maxsize=2)
def zip_bomb_docx(expanded_mib: int = 1536) -> bytes:
    """A real Word file plus one media part of zeros that declares (and truly inflates to) ``expanded_mib`` MiB.

    The deflate stream is one fully flushed block of 1 MiB of zeros repeated, so it is built in milliseconds
    without ever holding the expanded bytes; the CRC is the true one, so zipfile and python-docx accept it.
    """
    base = small_docx(["关于做好2024年食品安全工作的通知", "一、总体要求", "（一）加强监管。"])
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(_MIB)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    stream = block * expanded_mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(expanded_mib):
        crc = zlib.crc32(zeros, crc)
    size = expanded_mib * _MIB
    name = b"word/media/image1.png"

    out = io.BytesIO()
    central: list[bytes] = []
    with zipfile.ZipFile(io.BytesIO(base)) as zf:  # copy the real parts, stored, then add the bomb
        members = [(i.filename.encode(), zf.read(i.filename)) for i in zf.infolist()]
    for fname, payload in members:
        offset = out.tell()
        c = zlib.crc32(payload)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, c, len(payload), len(payload),
                              len(fname), 0) + fname + payload)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, c, len(payload),
                                   len(payload), len(fname), 0, 0, 0, 0, 0, offset) + fname)
    offset = out.tell()
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), size, len(name), 0)
              + name + stream)
    central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(stream), size,
                               len(name), 0, 0, 0, 0, 0, offset) + name)
    cd_start = out.tell()
    cd = b"".join(central)
    out.write(cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), cd_start, 0))
    return out.getvalue()


def deep_html(depth: int = 200_000) -> bytes:
    """A page of ``depth`` nested <div> around one plan line: 2.2 MB at the issue's 200,000."""
    return ("<html><head><title>通知</title></head><body>" + "<div>" * depth + "一、总体要求 （一）加强监管。"
            + "</div>" * depth + "</body></html>").encode()
