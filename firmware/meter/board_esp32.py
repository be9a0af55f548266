"""The ESP32 board: pins, buses and drivers wired into a Meter (the pin map is in README.md).

Usage (on the board, from main.py)::

    from meter import board_esp32
    board_esp32.run()

The only module of the package that imports `machine`. The main loop never
ends: `Meter.tick()` and `Meter.press()` handle their own faults, the boot is
retried with the relay open, and a hardware watchdog (WDT_MS) resets a board
whose loop hangs (the relay pin is low, open, from the reset until the boot
decides).
"""

import gc
import time

import machine
from machine import ADC, I2C, PWM, SPI, Pin
from meter import faults
from meter.app import Meter
from meter.ds3231 import DS3231
from meter.ili9341 import ILI9341, TextPanel, framebuf_font
from meter.matrix import Keypad
from meter.measure import Battery, PulseEnergy, SpreadInverter
from meter.storage import FileFlash, Memory, Store

# Pin map (ESP32-WROOM-32 DevKitC)
LCD_SCK = 18
LCD_MOSI = 23
LCD_CS = 5
LCD_DC = 2
LCD_RST = 15
LCD_LED = 17
RTC_SDA = 21
RTC_SCL = 22
KEY_ROWS = (13, 14, 27, 26)
KEY_COLS = (25, 33, 32, 19)
ADC_BATTERY = 34
ADC_INVERTER = 35
RELAY = 16
ENERGY_PULSES = 4  # not 36/39: the ESP32 errata gives those false interrupts while the ADC runs

FLASH_FILE = "/meter.bin"
BATTERY_DIVIDER = (110, 10)  # 100 kΩ over 10 kΩ
INVERTER_UV_PER_COUNT = 3500  # set with Inverter.calibrate() against a true-RMS voltmeter
ENERGY_IMP_PER_KWH = 1000
MAX_POWER_W = 12000  # the most the supply can give: pulses faster than this are refused
WDT_MS = 8000  # the watchdog resets a board whose loop stops for 8 s
LOOP_SLEEP_MS = 10


def build(store=None):
    """The Meter and the Keypad of the board; store: another storage.Memory (tests)."""
    spi = SPI(2, baudrate=40000000, sck=Pin(LCD_SCK), mosi=Pin(LCD_MOSI))
    lcd = ILI9341(spi, cs=Pin(LCD_CS, Pin.OUT), dc=Pin(LCD_DC, Pin.OUT), rst=Pin(LCD_RST, Pin.OUT))
    lcd.init()
    PWM(Pin(LCD_LED), freq=1000, duty_u16=50000)
    panel = TextPanel(lcd, framebuf_font())
    panel.clear()

    rtc = DS3231(I2C(0, scl=Pin(RTC_SCL), sda=Pin(RTC_SDA), freq=100000))

    adc_bat = ADC(Pin(ADC_BATTERY), atten=ADC.ATTN_11DB)
    adc_inv = ADC(Pin(ADC_INVERTER), atten=ADC.ATTN_11DB)
    pulses = Pin(ENERGY_PULSES, Pin.IN)

    meter = Meter(
        store or Memory(FileFlash(FLASH_FILE, Store.SIZE)),
        rtc,
        display=panel,
        relay=Pin(RELAY, Pin.OUT, value=0),
        energy=PulseEnergy(pulses, ENERGY_IMP_PER_KWH, trigger=Pin.IRQ_FALLING, max_w=MAX_POWER_W),
        battery=Battery(adc_bat, ratio=BATTERY_DIVIDER),
        inverter=SpreadInverter(adc_inv, INVERTER_UV_PER_COUNT),
    )
    rows = [Pin(p, Pin.OUT, value=1) for p in KEY_ROWS]
    cols = [Pin(p, Pin.IN, Pin.PULL_UP) for p in KEY_COLS]
    return meter, Keypad(rows, cols)


class Loop:
    """The main loop, one step at a time: scan the keypad, sample one 60 Hz cycle of the inverter
    (about 17 ms, so the keypad is scanned every few tens of ms while measuring), tick once a
    second, feed the watchdog. Nothing raised in a step ends the loop."""

    def __init__(self, meter, keypad, wdt=None, ticks_ms=None, ticks_diff=None, sleep_ms=None):
        self.meter = meter
        self.keypad = keypad
        self.wdt = wdt
        self.ticks_ms = ticks_ms or time.ticks_ms
        self.ticks_diff = ticks_diff or time.ticks_diff
        self.sleep_ms = sleep_ms or time.sleep_ms
        self.measure = getattr(meter.inverter, "step", None)
        self.last_tick = self.ticks_ms()

    def feed(self):
        if self.wdt is not None:
            self.wdt.feed()

    def start(self, tries=None):
        """Boot the meter, retrying with the relay open until it succeeds; True when booted."""
        m = self.meter
        while tries is None or tries > 0:
            try:
                m.boot()
                return True
            except Exception as e:  # noqa: BLE001 - flash, clock or memory: retry
                if isinstance(e, MemoryError):
                    gc.collect()
                m.fault(faults.BOOT)
                if m.relay_pin is not None:
                    m.relay_pin.value(0)
                try:
                    m.display.show(["Error al arrancar", "Reintentando..."])
                except Exception:  # noqa: BLE001, S110 - the boot fault is counted; the screen may be the fault
                    pass
            self.feed()
            self.sleep_ms(1000)
            if tries is not None:
                tries -= 1
        return False

    def step(self):
        m = self.meter
        try:
            key = self.keypad.poll()
            if self.keypad.stuck_new is not None:
                self.keypad.stuck_new = None
                m.fault(faults.KEY_STUCK)
            if key:
                m.press(key)
        except Exception:  # noqa: BLE001
            m.fault(faults.KEY)
        if self.measure is not None:
            try:
                self.measure()
            except Exception:  # noqa: BLE001
                m.fault(faults.ADC)
        now = self.ticks_ms()
        if self.ticks_diff(now, self.last_tick) >= 1000:
            self.last_tick = now
            m.tick()
        self.feed()
        self.sleep_ms(LOOP_SLEEP_MS)


def run():
    wdt = machine.WDT(timeout=WDT_MS)
    meter, keypad = build()
    loop = Loop(meter, keypad, wdt)
    loop.start()
    if machine.reset_cause() == machine.WDT_RESET:
        meter.fault(faults.WATCHDOG)
    while True:
        loop.step()
