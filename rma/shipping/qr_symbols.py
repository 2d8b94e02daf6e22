"""QR code symbols exactly as segno makes them, about four times faster.

segno picks the data mask the standard asks for (ISO/IEC 18004, 7.8.3: the one of eight with the lowest penalty),
but scores each candidate module by module in Python: about 80 % of a label's rendering. Here the symbol is
made once with mask 0, the unmasked data is recovered from it, and the eight candidates are scored with the same
rules (and segno's reading of them) on whole rows and columns at once: bit strings, regular expressions, integer
masks. The chosen symbol is the one segno would make, module for module (tests/shipping/test_qr_symbols.py).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import segno
from segno import consts, encoder

_TO_TEXT = bytes.maketrans(b"\x00\x01", b"01")
_TO_MODULES = bytes.maketrans(b"01", b"\x00\x01")
_N1_RUNS = re.compile("0{5,}|1{5,}")
_N3_PATTERN = "1011101"


@dataclass(frozen=True, slots=True)
class _Layout:
    """What a version's symbols share: module (i, j) is bit size*size - 1 - (i*size + j) of an integer."""

    size: int
    # The function patterns as they are scored (format and version areas light, as before they are written).
    function: int
    region: int  # the modules that hold data
    masks: tuple[int, ...]  # each data mask pattern's dark modules, inside the data region
    blocks: int  # the top-left modules of every 2x2 block


@lru_cache(maxsize=64)
def _layout(version: int) -> _Layout:
    size = version * 4 + 17
    total = size * size
    template = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(template, size, size)
    encoder.add_alignment_patterns(template, size, size)
    functions = encoder.get_data_mask_functions(False)
    function = region = blocks = 0
    masks = [0] * len(functions)
    for i, row in enumerate(template):
        for j, value in enumerate(row):
            bit = 1 << (total - 1 - (i * size + j))
            if i < size - 1 and j < size - 1:
                blocks |= bit
            # segno's is_encoding_region: untouched by the patterns, and not the dark module (written later).
            if value == 0x2 and (i, j) != (size - 8, 8):
                region |= bit
                for index, mask_function in enumerate(functions):
                    if mask_function(i, j):
                        masks[index] |= bit
            elif value == 0x1:
                function |= bit
    return _Layout(size=size, function=function, region=region, masks=tuple(masks), blocks=blocks)


def _n3(sequence: str, size: int) -> int:
    """Penalty N3 of one row or column, as segno counts it (the finder-like 1:1:3:1:1 pattern beside 4 light)."""
    score = 0
    index = sequence.find(_N3_PATTERN)
    while index != -1:
        after = index + 7
        if (
            index in (0, size - 7)
            or "1" not in sequence[max(index - 4, 0) : index]
            or "1" not in sequence[after : after + 4]
        ):
            score += 40
        else:
            after = index + 4
        index = sequence.find(_N3_PATTERN, after)
    return score


def _penalty(symbol: int, layout: _Layout) -> int:
    """N1 + N2 + N3 + N4 of a masked symbol (ISO/IEC 18004 7.8.3.1, table 11)."""
    size = layout.size
    total = size * size
    text = format(symbol, f"0{total}b")
    lines = [text[start : start + size] for start in range(0, total, size)]
    lines += [text[column::size] for column in range(size)]
    score = 0
    for line in lines:
        for run in _N1_RUNS.finditer(line):
            score += run.end() - run.start() - 2
        score += _n3(line, size)
    # A 2x2 block: a module equal to its right neighbour, to the one below, and the one below to its right one.
    mask = (1 << total) - 1
    same_right = ~(symbol ^ (symbol << 1)) & mask
    same_below = ~(symbol ^ (symbol << size)) & mask
    score += 3 * (same_right & same_below & (same_right << size) & layout.blocks).bit_count()
    percent = float(text.count("1")) / total
    return score + 10 * int(abs(percent * 100 - 50) / 5)


def qr_matrix(payload: str) -> tuple[bytearray, ...]:
    """The modules of the QR code of `payload` (error correction M or better, not Micro), one bytearray of 0/1 per
    row: the symbol segno.make(payload, error="m", micro=False) makes, mask included."""
    code = segno.make(payload, error="m", micro=False, mask=0)
    layout = _layout(code.version)
    size, total = layout.size, layout.size * layout.size
    symbol = int(b"".join(code.matrix).translate(_TO_TEXT), 2)
    unmasked = layout.function | ((symbol ^ layout.masks[0]) & layout.region)
    best, best_score = 0, None
    for index, mask in enumerate(layout.masks):
        score = _penalty(unmasked ^ mask, layout)
        if best_score is None or score < best_score:  # the first of equal scores, as segno keeps it
            best, best_score = index, score
    if best == 0:
        return tuple(code.matrix)
    # The same function patterns and data, another mask: only the data and the format information change.
    remasked = symbol ^ layout.masks[0] ^ layout.masks[best]
    modules = format(remasked, f"0{total}b").encode().translate(_TO_MODULES)
    matrix = tuple(bytearray(modules[start : start + size]) for start in range(0, total, size))
    # The error level segno settled on: "m" at least, raised when the symbol has room for more (boost_error).
    encoder.add_format_info(matrix, code.version, consts.ERROR_MAPPING[code.error], best)
    return matrix
