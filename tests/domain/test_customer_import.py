import pytest

from app.domain import customer_import as spec
from app.domain.errors import DomainError


def test_headers_in_italian_and_english_are_guessed():
    headers = ["Ragione sociale", "P.IVA", "Codice Fiscale", "Codice SDI", "PEC", "Indirizzo", "C.A.P.", "Comune",
               "Prov.", "Codice", "Codice esterno", "Colonna ignota"]
    assert spec.guess_mapping(headers) == [
        "company_name", "vat_number", "tax_code", "sdi_code", "pec", "street", "cap", "city", "province", "code",
        "external_code", ""]
    assert spec.guess_mapping(["Company name", "VAT number", "E-mail", "Zip code", "Town"]) == [
        "company_name", "vat_number", "email", "cap", "city"]


def test_a_field_goes_to_one_column_and_the_remembered_choice_wins():
    assert spec.guess_mapping(["Email", "E-mail"]) == ["email", ""]
    remembered = spec.remembered_mapping(["Denominazione cliente"], ["company_name"])
    assert spec.guess_mapping(["Denominazione  Cliente", "Nome"], remembered) == ["company_name", "first_name"]


@pytest.mark.parametrize("mapping, key", [
    (["company_name"], "import.err.mapping"),  # one field for two columns
    (["company_name", "nonsense"], "import.err.mapping"),
    (["email", "email"], "import.err.mapping_twice"),
    (["email", ""], "import.err.mapping_empty"),
    ("company_name,email", "import.err.mapping"),
])
def test_a_mapping_from_the_browser_is_checked(mapping, key):
    with pytest.raises(DomainError) as refused:
        spec.clean_mapping(mapping, 2)
    assert refused.value.errors == {"mapping": key}


def test_delimiter_and_encoding_of_csv():
    assert spec.detect_delimiter("Ragione sociale;Partita IVA;Comune") == ";"
    assert spec.detect_delimiter("name,vat") == ","
    assert spec.decode_text("\ufeffCittà".encode()) == "Città"
    assert spec.decode_text("Città".encode("cp1252")) == "Città"
    rows = list(spec.csv_rows('a;b\n"x;y";2\n\n;\n3;4\n'))
    assert rows == [["a", "b"], ["x;y", "2"], ["3", "4"]]


def test_a_row_reads_as_the_form_would_send_it():
    mapping = ["company_name", "cap", "vat_number", "", "kind"]
    assert spec.row_values(["Acme", 184, 743110157.0, "x", "Azienda"], mapping) == {
        "company_name": "Acme", "cap": "00184", "vat_number": "00743110157", "kind": "business"}
    assert spec.row_values(["", "", "", "", ""], mapping) == {"kind": "business"}
    assert spec.row_values(["Rossi", "Mario"], ["last_name", "first_name"])["kind"] == "private"
    assert spec.row_values(["Privato"], ["kind"]) == {"kind": "private"}


def test_codes_a_file_gives():
    assert spec.clean_code(" c 12 ") == "C12"
    assert spec.check_code("C000001") == {}
    assert spec.check_code("X" * 21) == {"code": "import.err.code"}
    assert spec.check_code("A;B") == {"code": "import.err.code"}


def test_header_limits():
    with pytest.raises(DomainError):
        spec.clean_header(["", ""])
    with pytest.raises(DomainError):
        spec.clean_header([f"c{i}" for i in range(spec.MAX_COLUMNS + 1)])
    assert spec.clean_header(["  Ragione   sociale ", "CAP", "", ""]) == ["Ragione sociale", "CAP"]
