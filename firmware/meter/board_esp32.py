"""The ESP32 board: pins, buses and drivers wired into a Meter (the pin map is in README.md).

Usage (on the board, from main.py)::

    from meter import board_esp32
    board_esp32.run()

The only module of the package that imports `machine`.
"""

import time

from machine import ADC, I2C, PWM, SPI, Pin
from meter.app import Meter
from meter.ds3231 import DS3231
from meter.ili9341 import ILI9341, TextPanel, framebuf_font
from meter.matrix import Keypad
from meter.measure import Battery, Inverter, PulseEnergy
from meter.storage import FileFlash, Store

# Pin map (ESP32-WROOM-32 DevKitC)
LCD_SCK = 18
LCD_MOSI = 23
LCD_CS = 5
LCD_DC = 2
LCD_RST = 4
LCD_LED = 17
RTC_SDA = 21
RTC_SCL = 22
KEY_ROWS = (13, 14, 27, 26)
KEY_COLS = (25, 33, 32, 19)
ADC_BATTERY = 34
ADC_INVERTER = 35
RELAY = 16
ENERGY_PULSES = 39

FLASH_FILE = "/meter.bin"
BATTERY_DIVIDER = (110, 10)  # 100 kΩ over 10 kΩ
INVERTER_UV_PER_COUNT = 3500  # set with Inverter.calibrate() against a true-RMS voltmeter
ENERGY_IMP_PER_KWH = 1000


def build(store=None):
    """The Meter and the Keypad of the board; store: another Store (tests)."""
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
        store or Store(FileFlash(FLASH_FILE, Store.SIZE)),
        rtc,
        display=panel,
        relay=Pin(RELAY, Pin.OUT, value=0),
        energy=PulseEnergy(pulses, ENERGY_IMP_PER_KWH, trigger=Pin.IRQ_FALLING),
        battery=Battery(adc_bat, ratio=BATTERY_DIVIDER),
        inverter=Inverter(adc_inv, INVERTER_UV_PER_COUNT),
    )
    rows = [Pin(p, Pin.OUT, value=1) for p in KEY_ROWS]
    cols = [Pin(p, Pin.IN, Pin.PULL_UP) for p in KEY_COLS]
    return meter, Keypad(rows, cols)


def run():
    meter, keypad = build()
    meter.boot()
    last_tick = time.ticks_ms()
    while True:
        key = keypad.poll()
        if key:
            meter.press(key)
        now = time.ticks_ms()
        if time.ticks_diff(now, last_tick) >= 1000:
            last_tick = now
            meter.tick()
        time.sleep_ms(15)
