from meter.sta import Sta

# TOKENS.md worked vector (decoder key from VK abab..., PAN 600727000000000009).
DK = bytes.fromhex("e653341f9d5bf36f")

# The standard's illustrative tables, quoted in TOKENS.md (IEC 62055-41 worked example).
ILL_S1 = (12, 10, 8, 4, 3, 15, 0, 2, 14, 1, 5, 13, 6, 9, 7, 11)
ILL_S2 = (6, 9, 7, 4, 3, 10, 12, 14, 2, 13, 1, 15, 0, 11, 8, 5)
# fmt: off
ILL_P = (29, 27, 34, 9, 16, 62, 55, 2, 40, 49, 38, 25, 33, 61, 30, 23, 1, 41, 21, 57, 42, 15, 5, 58, 19, 53, 22, 17,
         48, 28, 24, 39, 3, 60, 36, 14, 11, 52, 54, 12, 31, 51, 10, 26, 0, 45, 37, 43, 44, 6, 59, 4, 7, 35, 56, 50, 13,
         18, 32, 47, 46, 63, 20, 8)
# fmt: on


def test_worked_vector_block_encrypts_to_the_published_output():
    assert Sta(DK).encrypt(0x05599863000119E6) == 0x492083C0AE7CE455


def test_worked_vector_output_decrypts_to_the_block():
    assert Sta(DK).decrypt(0x492083C0AE7CE455) == 0x05599863000119E6


def test_illustrative_tables_vector_of_the_standard():
    sta = Sta(bytes.fromhex("0ABC12DEF3456789"), s1=ILL_S1, s2=ILL_S2, p=ILL_P)
    assert sta.encrypt(0x0B19EB230100C207) == 0xC45ED1619406DF95
    assert sta.decrypt(0xC45ED1619406DF95) == 0x0B19EB230100C207


def test_decrypt_inverts_encrypt_for_many_blocks_and_keys():
    x = 0x9E3779B97F4A7C15
    for i in range(40):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        key = ((x >> 7) ^ (i * 0x1111)).to_bytes(8, "big")
        sta = Sta(key)
        enc = sta.encrypt(x)
        assert enc != x
        assert sta.decrypt(enc) == x


def test_another_key_does_not_decrypt():
    enc = Sta(DK).encrypt(0x05599863000119E6)
    assert Sta(bytes.fromhex("e653341f9d5bf36e")).decrypt(enc) != 0x05599863000119E6
