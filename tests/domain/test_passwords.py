import pytest

from app.domain.errors import DomainError
from app.domain.passwords import MAX_LENGTH, MIN_LENGTH, is_common, validate_new_password


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890", "Password2024!", "iloveyou12"])
def test_common_passwords_are_refused(password):
    assert is_common(password)
    with pytest.raises(DomainError) as err:
        validate_new_password(password)
    assert err.value.errors == {"password": "password.common"}


def test_length_bounds():
    with pytest.raises(DomainError) as err:
        validate_new_password("x7$Kp2!q")
    assert err.value.errors == {"password": "password.too_short"} and err.value.params == {"min": MIN_LENGTH}
    with pytest.raises(DomainError) as err:
        validate_new_password("Ab3$" * 300)
    assert err.value.errors == {"password": "password.too_long"}
    validate_new_password("Ab3$efgh9!" + "z" * (MAX_LENGTH - 10))


@pytest.mark.parametrize("password", ["Trifoglio-Verde-42", "correct horse battery staple", "Lampone.Fiume.81"])
def test_reasonable_passwords_pass(password):
    assert not is_common(password)
    validate_new_password(password, email="mario.rossi@example.com")


def test_password_equal_to_email_is_refused():
    with pytest.raises(DomainError) as err:
        validate_new_password("mario.rossi@example.com", email="mario.rossi@example.com")
    assert err.value.errors == {"password": "password.like_email"}
