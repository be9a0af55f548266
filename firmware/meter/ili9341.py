"""ILI9341 320x240 colour display over SPI, and a text panel on it.

Usage::

    from meter.ili9341 import ILI9341, TextPanel, framebuf_font
    lcd = ILI9341(spi, cs=Pin(5, Pin.OUT), dc=Pin(2, Pin.OUT), rst=Pin(4, Pin.OUT))
    lcd.init()
    panel = TextPanel(lcd, framebuf_font())
    panel.show(lines)            # 15 lines of 20 characters, 16x16 glyphs

The panel redraws only the lines that changed. Glyphs come from a font
function (8 bytes per character, one per row, bit 7 = left pixel), so the
drawing code runs with a fake font in the tests.
"""

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


SWRESET = const(0x01)
SLPOUT = const(0x11)
DISPON = const(0x29)
CASET = const(0x2A)
PASET = const(0x2B)
RAMWR = const(0x2C)
MADCTL = const(0x36)
COLMOD = const(0x3A)

WHITE = const(0xFFFF)
BLACK = const(0x0000)


def rgb565(r, g, b):
    return (r & 0xF8) << 8 | (g & 0xFC) << 3 | b >> 3


class ILI9341:
    def __init__(self, spi, cs, dc, rst=None, width=320, height=240, madctl=0x28, sleep_ms=None):
        self.spi = spi
        self.cs = cs
        self.dc = dc
        self.rst = rst
        self.width = width
        self.height = height
        self.madctl = madctl  # 0x28: landscape (row/column exchange), BGR
        if sleep_ms is None:
            import time

            sleep_ms = getattr(time, "sleep_ms", lambda ms: time.sleep(ms / 1000))
        self.sleep_ms = sleep_ms
        cs.value(1)

    def cmd(self, c, data=None):
        self.cs.value(0)
        self.dc.value(0)
        self.spi.write(bytes((c,)))
        if data:
            self.dc.value(1)
            self.spi.write(data)
        self.cs.value(1)

    def init(self):
        if self.rst is not None:
            self.rst.value(0)
            self.sleep_ms(10)
            self.rst.value(1)
            self.sleep_ms(120)
        self.cmd(SWRESET)
        self.sleep_ms(120)
        self.cmd(0xC0, b"\x23")  # power control 1: 4.6 V
        self.cmd(0xC1, b"\x10")  # power control 2
        self.cmd(0xC5, b"\x3e\x28")  # VCOM
        self.cmd(0xC7, b"\x86")
        self.cmd(MADCTL, bytes((self.madctl,)))
        self.cmd(COLMOD, b"\x55")  # 16 bits per pixel
        self.cmd(0xB1, b"\x00\x18")  # frame rate 79 Hz
        self.cmd(SLPOUT)
        self.sleep_ms(120)
        self.cmd(DISPON)

    def window(self, x, y, w, h):
        x1, y1 = x + w - 1, y + h - 1
        self.cmd(CASET, bytes((x >> 8, x & 0xFF, x1 >> 8, x1 & 0xFF)))
        self.cmd(PASET, bytes((y >> 8, y & 0xFF, y1 >> 8, y1 & 0xFF)))

    def blit(self, x, y, w, h, buf):
        """Write w*h RGB565 pixels (big-endian, 2 bytes each)."""
        self.window(x, y, w, h)
        self.cmd(RAMWR, buf)

    def begin(self, x, y, w, h):
        """Start writing w*h pixels: then spi.write() them in pieces, then end()."""
        self.window(x, y, w, h)
        self.cs.value(0)
        self.dc.value(0)
        self.spi.write(bytes((RAMWR,)))
        self.dc.value(1)

    def end(self):
        self.cs.value(1)

    def fill_rect(self, x, y, w, h, color):
        self.window(x, y, w, h)
        line = bytes((color >> 8, color & 0xFF)) * w
        self.cs.value(0)
        self.dc.value(0)
        self.spi.write(bytes((RAMWR,)))
        self.dc.value(1)
        for _ in range(h):
            self.spi.write(line)
        self.cs.value(1)

    def fill(self, color):
        self.fill_rect(0, 0, self.width, self.height, color)


# The display font is ASCII: Spanish letters are drawn without their accents.
_PLAIN = {"á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ü": "u", "ñ": "n", "Á": "A", "É": "E", "Í": "I"}
_PLAIN.update({"Ó": "O", "Ú": "U", "Ñ": "N", "°": "o"})


def plain(text):
    out = ""
    for ch in text:
        ch = _PLAIN.get(ch, ch)
        out += ch if " " <= ch <= "~" else "?"
    return out


def framebuf_font():
    """MicroPython's built-in 8x8 font through framebuf (on the board), printable ASCII kept in 760 bytes."""
    import framebuf

    buf = bytearray(8)
    fb = framebuf.FrameBuffer(buf, 8, 8, framebuf.MONO_HLSB)
    table = bytearray(95 * 8)
    done = bytearray(95)

    def glyph(ch):
        i = ord(ch) - 32
        if not 0 <= i < 95:
            i = 31  # "?"
        if not done[i]:
            fb.fill(0)
            fb.text(chr(i + 32), 0, 0, 1)
            table[i * 8 : i * 8 + 8] = buf
            done[i] = 1
        return memoryview(table)[i * 8 : i * 8 + 8]

    return glyph


class TextPanel:
    """Text lines on the LCD, each glyph 8x8 scaled to 16x16."""

    COLS = 20
    ROWS = 15

    def __init__(self, lcd, font, fg=WHITE, bg=BLACK):
        self.lcd = lcd
        self.font = font
        self.fg = fg
        self.bg = bg
        self.shown = [None] * self.ROWS
        self._strip = bytearray(lcd.width * 2)  # one row of pixels: the line is sent strip by strip
        # 4 bits of a glyph row -> 8 pixels (each bit twice), RGB565: 16 entries of 16 bytes
        f = bytes((fg >> 8, fg & 0xFF)) * 2
        b = bytes((bg >> 8, bg & 0xFF)) * 2
        self._nibble = [b"".join(f if n & (8 >> i) else b for i in range(4)) for n in range(16)]

    def draw_line(self, row, text):
        text = plain(text)[: self.COLS]
        text += " " * (self.COLS - len(text))
        glyphs = [self.font(ch) for ch in text]
        strip = self._strip
        lcd = self.lcd
        lcd.begin(0, row * 16, lcd.width, 16)
        for r in range(8):  # each glyph row, twice: 8x8 drawn at 16x16
            nib = self._nibble
            for c in range(len(glyphs)):
                bits = glyphs[c][r]
                strip[c * 32 : c * 32 + 16] = nib[bits >> 4]
                strip[c * 32 + 16 : c * 32 + 32] = nib[bits & 15]
            lcd.spi.write(strip)
            lcd.spi.write(strip)
        lcd.end()

    def show(self, lines):
        for row in range(self.ROWS):
            text = lines[row] if row < len(lines) else ""
            if self.shown[row] != text:
                self.draw_line(row, text)
                self.shown[row] = text

    def clear(self):
        self.lcd.fill(self.bg)
        self.shown = [""] * self.ROWS
