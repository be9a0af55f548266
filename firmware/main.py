# The board runs this file at boot (copy it to the board's root with the meter/ package).
from meter import board_esp32

board_esp32.run()
