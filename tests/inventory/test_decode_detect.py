"""Encodings, format detection from content, host names and the bad-input errors of parse_bytes."""

from __future__ import annotations

import pytest

from scanner.errors import InventoryReadError
from scanner.inventory import FORMATS, normalise_host, parse_bytes
from scanner.inventory.decode import decode
from scanner.inventory.values import kb_or_none

from .helpers import data


@pytest.mark.parametrize(("raw", "codec"), [
    ("Größe Domäne Verfügbar".encode("cp850"), "cp850"),
    ("Nom de l'hôte Mémoire système".encode("cp850"), "cp850"),
    ("Versión compilación Español".encode("cp850"), "cp850"),
    ("Nom de l'hôte Mémoire système".encode("cp1252"), "cp1252"),
    ("Größe Domäne Verfügbar".encode("cp1252"), "cp1252"),
    ("Größe".encode(), "utf-8"),
    (b"\xef\xbb\xbfHost", "utf-8"),
    ("Größe".encode("utf-16-le"), "utf-16-le"),
    ("Größe host name".encode("utf-16-be"), "utf-16-be"),
])
def test_decode_picks_the_encoding_that_reads_words(raw: bytes, codec: str) -> None:
    text, found = decode(raw, "x")
    assert found == codec
    assert text.split()[0] in {"Größe", "Nom", "Versión", "Host"}


@pytest.mark.parametrize(("text", "codec"), [
    ("Zainstalowane poprawki: Użytkownik właściciel Całkowita ilość pamięci", "cp852"),  # Polish cmd
    ("Název hostitele Výrobce operačního systému Časové pásmo", "cp852"),  # Czech cmd
    ("Имя узла Название ОС Версия ОС", "cp866"),  # Russian cmd
    ("İşletim Sistemi Adı Yapılandırması Kayıtlı Sahibi Ürün Kimliği", "cp857"),  # Turkish cmd
    ("Имя узла Название ОС Версия ОС", "cp1251"),  # Russian Set-Content
    ("Zainstalowane poprawki: Użytkownik właściciel", "cp1250"),  # Polish Set-Content
    ("Host Name: ŁÓDŹ-HV01", "cp852"),  # only the host name is not ASCII
    ("Host Name: СЕРВЕР-ХВ1", "cp866"),
])
def test_decode_reads_central_european_cyrillic_and_turkish_code_pages(text: str, codec: str) -> None:
    assert decode(text.encode(codec), "x") == (text, codec)


def test_the_stated_system_locale_decides_what_the_text_cannot() -> None:
    word = "Host Name: ćma".encode("cp852")  # cp850 reads it as the just as plausible `åma`
    assert decode(word, "x") == ("Host Name: åma", "cp850")
    assert decode(b"System Locale: pl;Polski\r\n" + word, "x") == ("System Locale: pl;Polski\r\nHost Name: ćma",
                                                                    "cp852")


def test_formats_are_listed_in_detection_order() -> None:
    assert FORMATS == ("kbscan-json", "osquery", "hotfix-json", "wmic-csv", "wmic-list", "wmic-table",
                       "hotfix-table", "hotfix-list", "kb-list", "systeminfo-csv", "hotfix-csv", "systeminfo")


def test_detection_uses_content_not_the_file_name() -> None:
    hosts = parse_bytes(data("systeminfo-en.txt"), "inventory.json")
    assert hosts[0].format == "systeminfo"


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "the file is empty"),
    (b"\r\n  \r\n", "the file is empty"),
    (b"\xef\xbb\xbf", "the file is empty"),
    (data("bad-binary.bin"), "the file contains NUL bytes and looks binary"),
    (bytes(range(1, 9)) * 200, "the file is mostly control characters and looks binary"),
])
def test_empty_and_binary_files_are_errors(raw: bytes, reason: str) -> None:
    with pytest.raises(InventoryReadError, match=rf"^bad\.dat: {reason}"):
        parse_bytes(raw, "bad.dat")


def test_unknown_format_lists_every_format_tried() -> None:
    with pytest.raises(InventoryReadError) as caught:
        parse_bytes(data("bad-unknown.txt"), "ipconfig.txt")
    message = str(caught.value)
    assert message.startswith("ipconfig.txt: not an inventory format kbscan knows "
                              "(it starts with 'Windows IP Configuration'; tried: ")
    assert ", ".join(FORMATS) in message


def test_trailing_nul_padding_from_a_crash_is_ignored() -> None:
    hosts = parse_bytes(data("systeminfo-en.txt") + b"\x00" * 512, "x.txt")
    assert [update.kb for update in hosts[0].updates] == ["KB2779069", "KB2903938", "KB2908415"]


@pytest.mark.parametrize(("name", "expected"), [
    ("HV01", "HV01"), (" hv01 ", "HV01"), ("hv01.contoso.local", "HV01"), ("\\\\HV01", "HV01"),
    ("10.0.0.5", "10.0.0.5"), ("fe80::1", "fe80::1"), ("", ""),
    # digits and dots that are no IPv4 address are a name cut at its first dot, as any other name
    ("1.2.3", "1"), ("10.0.0.5.6", "10"), ("\u0661.\u0662.\u0663.\u0664", "\u0661"), ("::", "::"), ("10.0.0.5a", "10"),
])
def test_normalise_host(name: str, expected: str) -> None:
    assert normalise_host(name) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("KB2779069", "KB2779069"), ("KB1000", "KB1000"), ("KB12345678", "KB12345678"), ("KB0123456", "KB123456"),
    ("kb2779069", "KB2779069"), ("KB2779069\n", "KB2779069"), ("KB 2779069", "KB2779069"),
    ("KB2536276-v2", "KB2536276"), ("KB999", None), ("KB123456789", None), ("KB\u0661\u0662\u0663\u0664", None),
    ("KB27790x9", None), ("Q147222", None),
])
def test_kb_or_none_reads_what_kb_id_reads_plus_package_suffixes(text: str, expected: str | None) -> None:
    assert kb_or_none(text) == expected
