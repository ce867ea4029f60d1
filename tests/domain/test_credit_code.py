import pytest

from inspector_app.domain.credit_code import check_character, make_credit_code, validate_credit_code
from inspector_app.domain.errors import InputError

# Published example codes (company registrations quoted in public notices).
KNOWN_VALID = ["91110000600037341L", "9144030071526726XG"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_pass(code):
    assert validate_credit_code(code) == code


def test_lower_case_and_spaces_are_normalised():
    assert validate_credit_code(" 91110000600037341l ") == "91110000600037341L"


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_every_wrong_check_character_fails(code):
    for c in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if c != code[-1]:
            with pytest.raises(InputError, match="check character"):
                validate_credit_code(code[:-1] + c)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9111000060003734", "18 characters"),
        ("91110000600037341LX", "18 characters"),
        ("9111000060003734IL", "not allowed"),
        ("91AB0000600037341L", "administrative division"),
        ("", "18 characters"),
    ],
)
def test_malformed_codes(code, message):
    with pytest.raises(InputError, match=message) as info:
        validate_credit_code(code, "premises.credit_code")
    assert info.value.path == "premises.credit_code"


def test_make_credit_code_round_trip():
    code = make_credit_code("92340100MA2TX8K5J")
    assert len(code) == 18 and validate_credit_code(code) == code
    assert check_character("91110000600037341") == "L"
