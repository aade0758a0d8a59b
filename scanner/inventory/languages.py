"""systeminfo field labels per display language: data only; a new language is one LANGUAGES entry.

Labels are compared case-insensitively, with runs of blanks collapsed and a typographic apostrophe
read as ``'``. A language missing here still works for what kbscan needs: the readers fall back to the
first field (host name), the first ``Microsoft Windows...`` value (OS name), the first ``N.N.NNNN``
value (OS version) and the field whose ``[NN]: KB...`` lines list hotfixes.

systeminfo lists hotfixes without install dates, so its locale line is not needed, and HostInventory
has no domain field, so the domain line is not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Field(StrEnum):
    HOST = "host"
    OS_NAME = "os_name"
    OS_VERSION = "os_version"
    HOTFIXES = "hotfixes"


@dataclass(frozen=True)
class Labels:
    """The labels one display language gives the fields kbscan reads (several where Windows varies)."""

    host: tuple[str, ...]
    os_name: tuple[str, ...]
    os_version: tuple[str, ...]
    hotfixes: tuple[str, ...]


LANGUAGES: dict[str, Labels] = {
    "en": Labels(
        host=("Host Name",),
        os_name=("OS Name",),
        os_version=("OS Version",),
        hotfixes=("Hotfix(s)",),
    ),
    "de": Labels(
        host=("Hostname",),
        os_name=("Betriebssystemname",),
        os_version=("Betriebssystemversion",),
        hotfixes=("Hotfix(es)",),
    ),
    "fr": Labels(
        host=("Nom de l'hôte",),
        os_name=("Nom du système d'exploitation",),
        os_version=("Version du système",),
        hotfixes=("Correctif(s)",),
    ),
    "es": Labels(
        host=("Nombre de host",),
        os_name=("Nombre del sistema operativo",),
        os_version=("Versión del sistema operativo",),
        hotfixes=("Revisión(es)",),
    ),
    # The languages below are from real systeminfo output in public captures; a label not seen in one is
    # left out (an empty tuple) and the fallbacks above find that field.
    "ru": Labels(
        host=("Имя узла",),
        os_name=("Название ОС",),
        os_version=("Версия ОС",),
        hotfixes=("Исправление(я)",),
    ),
    "zh-cn": Labels(
        host=("主机名",),
        os_name=("OS 名称",),
        os_version=("OS 版本",),
        hotfixes=("修补程序",),
    ),
    "ja": Labels(
        host=(),
        os_name=("OS 名",),
        os_version=("OS バージョン",),
        hotfixes=(),
    ),
}


@lru_cache(maxsize=4096)
def normalise_label(label: str) -> str:
    return " ".join(label.replace("\u2019", "'").split()).casefold()


def _lookup() -> dict[str, Field]:
    table: dict[str, Field] = {}
    for labels in LANGUAGES.values():
        for item, names in ((Field.HOST, labels.host), (Field.OS_NAME, labels.os_name),
                            (Field.OS_VERSION, labels.os_version), (Field.HOTFIXES, labels.hotfixes)):
            for name in names:
                table[normalise_label(name)] = item
    return table


LABELS: dict[str, Field] = _lookup()  # normalised label -> field, every language at once
