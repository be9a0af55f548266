from fakehw import FakePin, FakeSPI
from meter.ili9341 import CASET, DISPON, ILI9341, PASET, RAMWR, SLPOUT, SWRESET, TextPanel, plain


def lcd():
    return ILI9341(FakeSPI(), FakePin(), FakePin(), FakePin(), sleep_ms=lambda ms: None)


def test_init_resets_wakes_and_turns_on_in_landscape_16_bit():
    d = lcd()
    d.init()
    cmds = [b[0] for b in d.spi.log if len(b) == 1]
    assert cmds[0] == SWRESET
    assert SLPOUT in cmds and cmds[-1] == DISPON
    log = d.spi.log
    assert log[log.index(b"\x36") + 1] == b"\x28"
    assert log[log.index(b"\x3a") + 1] == b"\x55"
    assert d.rst.history[:2] == [0, 1]


def test_fill_rect_sets_the_window_and_writes_every_pixel():
    d = lcd()
    d.fill_rect(10, 20, 300, 2, 0xF800)
    log = d.spi.log
    assert log[0] == bytes((CASET,)) and log[1] == bytes((0, 10, 1, 53))
    assert log[2] == bytes((PASET,)) and log[3] == bytes((0, 20, 0, 21))
    assert log[4] == bytes((RAMWR,))
    assert b"".join(log[5:]) == b"\xf8\x00" * 600


def font(ch):
    # a fake font: the top row holds the character code, the rest is blank
    return bytes((ord(ch),)) + bytes(7)


def lines_written(log):
    """The pixels sent after each RAMWR, one bytes object per window written."""
    out = []
    for i, b in enumerate(log):
        if b == bytes((RAMWR,)):
            data = b""
            for nxt in log[i + 1 :]:
                if nxt == bytes((CASET,)):
                    break
                data += nxt
            out.append(data)
    return out


def test_text_panel_draws_16_pixel_lines_and_only_the_changed_ones():
    d = lcd()
    p = TextPanel(d, font)
    p.show(["A"] * 15)
    writes = [b for b in lines_written(d.spi.log) if len(b) == 320 * 16 * 2]
    assert len(writes) == 15
    p.show(["A"] * 14 + ["B"])
    writes = [b for b in lines_written(d.spi.log) if len(b) == 320 * 16 * 2]
    assert len(writes) == 16
    line = writes[-1]
    # 'B' = 0x42 = 0100 0010: first two pixels background, next two foreground, on both rows 0 and 1
    assert line[0:4] == b"\x00\x00\x00\x00" and line[4:8] == b"\xff\xff\xff\xff"
    assert line[640 + 4 : 640 + 8] == b"\xff\xff\xff\xff"
    assert line[2 * 640 : 2 * 640 + 32] == bytes(32)


def test_text_panel_keeps_one_row_of_pixels_not_a_whole_line():
    p = TextPanel(lcd(), font)
    assert len(p._strip) == 320 * 2  # 640 bytes of RAM instead of 10 KB


def test_spanish_letters_are_drawn_without_accents():
    assert plain("Código inválido, Relé, año") == "Codigo invalido, Rele, ano"
