"""(Re)generate corpus/: real-shaped inventory files of the classes issue 14 names, and what each must read as.

Run from the repository root: `python tests/data/inventory/make_corpus.py`. Every file is written as BYTES the
way its tool writes them (cmd: the OEM code page of the system locale, cp437/cp850/cp852/cp857/cp866/cp932/
cp936/cp949/cp950; PowerShell 5 `>` and wmic: UTF-16LE with BOM; PowerShell 7: UTF-8), and
corpus/expected.json says, per file, what kbscan must read: each host's name, product, exact KB set,
announced/listed counts, raw ids and warnings, or the error it must give. The expectations are written
here by hand from the file's content, never taken from kbscan's output.

Classes: capped and hand-cut systeminfo lists (list and CSV; buffer-capped, cut mid-number, file ending
inside the last entry), id suffixes and ids that are no KB, terminal captures (prompts and commands
before and after, wmic's first-run banner, blank lines, a `wmic qfe get a,b,c` command line), host names
(no Host Name line, console-cut names), systeminfo labels and captions in more languages and code pages
(® and ™ as code pages render them), and Windows 10/11 and Server 2016-2025 versions.

Labels: English, German, French, Spanish, Russian (`Имя узла` ...), Chinese simplified (`主机名` ...) and the
Japanese OS name/version labels are taken from real output in public captures. The Italian, Dutch, Polish,
Portuguese, Turkish, Czech, Chinese traditional and Korean labels below are NOT sourced; kbscan does not
know them, and these files check that the fallbacks (first field, a value naming Windows, N.N.NNNN, the
field listing KB ids) read such output whatever its labels say.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus"
sys.path.insert(0, str(HERE))

from make_fixtures import BOM16, PS5_HEADER, table  # noqa: E402
from systeminfo_hosts import english, german  # noqa: E402

Field = tuple[str, str, list[str]]
EXPECTED: list[dict[str, Any]] = []

CPU = "Intel64 Family 6 Model 62 Stepping 4 GenuineIntel ~2600 Mhz"


def numbered(items: list[str]) -> list[str]:
    return [f"[{index:02d}]: {item}" for index, item in enumerate(items, 1)]


def render(fields: list[Field], newline: str = "\r\n", *, end: bool = True) -> str:
    width = max(len(label) for label, _, _ in fields) + 2
    out = [""]
    for label, value, lines in fields:
        out.append(f"{label + ':':<{width}}{value}".rstrip())
        out.extend(" " * width + line for line in lines)
    return newline.join(out) + (newline if end else "")


def csv_text(hosts: list[list[Field]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([label for label, _, _ in hosts[0]])
    for fields in hosts:
        writer.writerow([",".join([value, *lines]) if lines else value for _, value, lines in fields])
    return buffer.getvalue()


# Labels per language: host, OS name, OS version, manufacturer, system locale, processors, hotfixes, NICs,
# the hotfix header and the processor header ({n}: a count).
LANGS: dict[str, dict[str, str]] = {
    "en": dict(host="Host Name", name="OS Name", version="OS Version", maker="OS Manufacturer",
               locale="System Locale", cpu="Processor(s)", hotfix="Hotfix(s)", nic="Network Card(s)",
               hotfixes="{n} Hotfix(s) Installed.", cpus="1 Processor(s) Installed.", na="N/A", build="Build",
               locale_value="en-us;English (United States)"),
    "de": dict(host="Hostname", name="Betriebssystemname", version="Betriebssystemversion",
               maker="Betriebssystemhersteller", locale="Systemgebietsschema", cpu="Prozessor(en)",
               hotfix="Hotfix(es)", nic="Netzwerkkarte(n)", hotfixes="{n} Hotfix(e) installiert.",
               cpus="1 Prozessor(en) installiert.", na="Nicht zutreffend", build="Build",
               locale_value="de;Deutsch (Deutschland)"),
    "fr": dict(host="Nom de l'hôte", name="Nom du système d'exploitation", version="Version du système",
               maker="Fabricant du système d'exploitation", locale="Option régionale du système",
               cpu="Processeur(s)", hotfix="Correctif(s)", nic="Carte(s) réseau",
               hotfixes="{n} Correctif(s) installé(s).", cpus="1 processeur(s) installé(s).", na="N/A",
               build="version", locale_value="fr;Français (France)"),
    "es": dict(host="Nombre de host", name="Nombre del sistema operativo",
               version="Versión del sistema operativo", maker="Fabricante del sistema operativo",
               locale="Configuración regional del sistema", cpu="Procesador(es)", hotfix="Revisión(es)",
               nic="Tarjeta(s) de red", hotfixes="{n} revisión(es) instaladas.",
               cpus="1 Procesadores instalados.", na="N/D", build="compilación",
               locale_value="es;Español (internacional)"),
    "ru": dict(host="Имя узла", name="Название ОС", version="Версия ОС", maker="Изготовитель ОС",
               locale="Язык системы", cpu="Процессор(ы)", hotfix="Исправление(я)", nic="Сетевые адаптеры",
               hotfixes="Число установленных исправлений - {n}.", cpus="Число процессоров - 1.", na="Н/Д",
               build="построение", locale_value="ru;Русский"),
    "zh-cn": dict(host="主机名", name="OS 名称", version="OS 版本", maker="OS 制造商", locale="系统区域设置",
                  cpu="处理器", hotfix="修补程序", nic="网卡", hotfixes="安装了 {n} 个修补程序。",
                  cpus="安装了 1 个处理器。", na="暂缺", build="Build", locale_value="zh-cn;中文(中国)"),
    "ja": dict(host="ホスト名", name="OS 名", version="OS バージョン", maker="OS 製造元", locale="システム ロケール",
               cpu="プロセッサ", hotfix="ホットフィックス", nic="ネットワーク カード",
               hotfixes="{n} ホットフィックスがインストールされています。", cpus="1 プロセッサインストール済みです。",
               na="N/A", build="ビルド", locale_value="ja;日本語"),
    # Not sourced (see the module docstring): kbscan does not know these labels.
    "it": dict(host="Nome host", name="Nome SO", version="Versione SO", maker="Produttore SO",
               locale="Impostazioni locali sistema", cpu="Processore(i)", hotfix="Aggiornamenti rapidi",
               nic="Schede di rete", hotfixes="{n} aggiornamenti rapidi installati.",
               cpus="1 processore(i) installato(i).", na="N/D", build="build", locale_value="it;Italiano (Italia)"),
    "nl": dict(host="Hostnaam", name="Naam van besturingssysteem", version="Versie van besturingssysteem",
               maker="Fabrikant van besturingssysteem", locale="Landinstellingen systeem", cpu="Processor(s)",
               hotfix="Hotfix(es)", nic="Netwerkkaart(en)", hotfixes="{n} hotfix(es) geïnstalleerd.",
               cpus="1 processor(s) geïnstalleerd.", na="N.v.t.", build="build",
               locale_value="nl;Nederlands (Nederland)"),
    "pl": dict(host="Nazwa hosta", name="Nazwa systemu operacyjnego", version="Wersja systemu operacyjnego",
               maker="Producent systemu operacyjnego", locale="Ustawienia regionalne systemu", cpu="Procesory",
               hotfix="Poprawki", nic="Karty sieciowe", hotfixes="Zainstalowane poprawki: {n}.",
               cpus="Zainstalowane procesory: 1.", na="Nie dotyczy", build="Kompilacja", locale_value="pl;Polski"),
    "pt": dict(host="Nome do host", name="Nome do sistema operacional", version="Versão do sistema operacional",
               maker="Fabricante do sistema operacional", locale="Localidade do sistema", cpu="Processador(es)",
               hotfix="Hotfix(es)", nic="Placa(s) de Rede", hotfixes="{n} hotfix(es) instalado(s).",
               cpus="1 processador(es) instalado(s).", na="N/A", build="Compilação",
               locale_value="pt-br;Português (Brasil)"),
    "tr": dict(host="Ana Bilgisayar Adı", name="İşletim Sistemi Adı", version="İşletim Sistemi Sürümü",
               maker="İşletim Sistemi Üreticisi", locale="Sistem Yerel Ayarı", cpu="İşlemci(ler)",
               hotfix="Düzeltme(ler)", nic="Ağ Kartları", hotfixes="{n} Düzeltme Yüklendi.",
               cpus="1 İşlemci Yüklü.", na="Yok", build="Derleme", locale_value="tr;Türkçe"),
    "cs": dict(host="Název hostitele", name="Název operačního systému", version="Verze operačního systému",
               maker="Výrobce operačního systému", locale="Národní prostředí systému", cpu="Procesory",
               hotfix="Opravy hotfix", nic="Síťové karty", hotfixes="Počet nainstalovaných oprav hotfix: {n}.",
               cpus="Počet nainstalovaných procesorů: 1.", na="Není k dispozici", build="sestavení",
               locale_value="cs;Čeština"),
    "zh-tw": dict(host="主機名稱", name="作業系統名稱", version="作業系統版本", maker="作業系統製造商",
                  locale="系統地區設定", cpu="處理器", hotfix="Hotfix", nic="網路卡",
                  hotfixes="已安裝 {n} Hotfix。", cpus="已安裝 1 個處理器。", na="N/A", build="組建",
                  locale_value="zh-tw;中文 (台灣)"),
    "ko": dict(host="호스트 이름", name="OS 이름", version="OS 버전", maker="OS 제조업체", locale="시스템 로캘",
               cpu="프로세서", hotfix="핫픽스", nic="네트워크 카드", hotfixes="{n}개 핫픽스이(가) 설치되었습니다.",
               cpus="프로세서 1개 설치됨", na="해당 없음", build="빌드", locale_value="ko;한국어"),
}
CODEPAGE = {"en": "cp437", "de": "cp850", "fr": "cp850", "es": "cp850", "ru": "cp866", "zh-cn": "cp936",
            "ja": "cp932", "it": "cp850", "nl": "cp850", "pl": "cp852", "pt": "cp850", "tr": "cp857",
            "cs": "cp852", "zh-tw": "cp950", "ko": "cp949"}


def systeminfo(lang: str, host: str | None, caption: str, version: str, hotfixes: list[str], *,
               announced: int | None = None, nic: bool = True) -> list[Field]:
    """One host's systeminfo fields in `lang`; `host=None` leaves the host-name line out; `announced`
    overrides the header's count (a capped or cut list)."""
    words = LANGS[lang]
    count = len(hotfixes) if announced is None else announced
    fields: list[Field] = [
        (words["host"], host or "", []),
        (words["name"], caption, []),
        (words["version"], version, []),
        (words["maker"], "Microsoft Corporation", []),
        (words["cpu"], words["cpus"], numbered([CPU])),
        (words["locale"], words["locale_value"], []),
        (words["hotfix"], words["hotfixes"].format(n=count) if count else words["na"], numbered(hotfixes)),
    ]
    if host is None:
        fields = fields[1:]
    if nic:
        fields.append((words["nic"], "1 NIC(s)", ["[01]: Intel(R) 82576 Gigabit Dual Port Network Connection",
                                                 "      DHCP: No", "      [01]: 10.0.0.5"]))
    return fields


def full(fields: list[Field], hotfix_label: str, announced: int | None = None, *, drop: str = "") -> list[Field]:
    """A complete host (systeminfo_hosts' ~35 fields, as systeminfo /fo csv has them) with its hotfix
    header saying `announced` and the field labelled `drop` left out."""
    out = [field for field in fields if field[0] != drop]
    if announced is not None:
        out = [(label, value.replace(value.split(" ", 1)[0], str(announced), 1) if label == hotfix_label else value,
                lines) for label, value, lines in out]
    return out


def version_of(lang: str, dotted: str) -> str:
    words = LANGS[lang]
    return f"{dotted} {words['na']} {words['build']} {dotted.rsplit('.', 1)[1]}"


def expect(name: str, hosts: list[dict[str, Any]] | None = None, error: str | None = None) -> None:
    EXPECTED.append({"file": name, "hosts": hosts, "error": error})


def host(name: str, os: str | None, kbs: list[str], *, announced: int | None = None, listed: int | None = None,
         raw: dict[str, str] | None = None, warnings: list[str] | None = None) -> dict[str, Any]:
    """`warnings`: a piece of text each warning must hold, in order (none: no warnings)."""
    return {"host": name, "os": os, "kbs": sorted(set(kbs)), "announced": announced, "listed": listed,
            "raw": raw or {}, "warnings": warnings or []}


def write(name: str, data: bytes) -> None:
    (OUT / name).write_bytes(data)


def kbs(count: int, start: int = 2800000, step: int = 7919) -> list[str]:
    return [f"KB{start + index * step}" for index in range(count)]


# ---------------------------------------------------------------------------------------------------------
# 1. capped and cut systeminfo lists


def capped_lists() -> None:
    ws2008r2 = "Microsoft Windows Server 2008 R2 Enterprise"
    v7601 = "6.1.7601 Service Pack 1 Build 7601"
    listed = kbs(245)
    # Buffer-capped: 245 whole entries of 273, the next field follows; in each of seven languages.
    for lang in ("en", "de", "fr", "es", "ru", "zh-cn", "ja"):
        name = f"capped-{lang}.txt"
        version = v7601 if lang == "en" else version_of(lang, "6.1.7601")
        text = render(systeminfo(lang, f"NODE-{lang.upper()}", ws2008r2, version, listed, announced=273))
        write(name, text.encode(CODEPAGE[lang], errors="replace"))
        expect(name, [host(f"NODE-{lang.upper()}", "ws2008r2", listed, announced=273, listed=245)])
    # The same as PowerShell 5 wrote it (UTF-16LE) and PowerShell 7 (UTF-8, LF).
    text = render(systeminfo("en", "NODE-PS5", ws2008r2, v7601, listed, announced=273))
    write("capped-en-ps5.txt", BOM16 + text.encode("utf-16-le"))
    expect("capped-en-ps5.txt", [host("NODE-PS5", "ws2008r2", listed, announced=273, listed=245)])
    text = render(systeminfo("en", "NODE-PS7", ws2008r2, v7601, listed, announced=300), "\n")
    write("capped-en-ps7-lf.txt", text.encode("utf-8"))
    expect("capped-en-ps7-lf.txt", [host("NODE-PS7", "ws2008r2", listed, announced=300, listed=245)])
    # Cut mid-number: the buffer ended inside [245] ("KB2862" where the others have 7 digits).
    cut = [*listed[:244], "KB2862"]
    for lang in ("en", "de", "ru"):
        name = f"capped-cut-number-{lang}.txt"
        version = v7601 if lang == "en" else version_of(lang, "6.1.7601")
        text = render(systeminfo(lang, "NODE-CUT", ws2008r2, version, cut, announced=352))
        write(name, text.encode(CODEPAGE[lang]))
        expect(name, [host("NODE-CUT", "ws2008r2", listed[:244], announced=352, listed=244,
                           warnings=["'KB2862' looks cut off"])])
    # A 6-digit id after 7-digit ones, last of a capped list: dropped (it may be a cut 7-digit one).
    six = [*listed[:9], "KB297690"]
    text = render(systeminfo("en", "NODE-SIX", ws2008r2, v7601, six, announced=20))
    write("capped-short-last.txt", text.encode("cp437"))
    expect("capped-short-last.txt", [host("NODE-SIX", "ws2008r2", listed[:9], announced=20, listed=9,
                                          warnings=["'KB297690' looks cut off"])])
    # Windows XP / 2003, as systeminfo prints them there: `File 1` placeholders, Q numbers, ids with a
    # description after them. The buffer stopped inside the description of [213]: the id is whole.
    xp_entries = ["File 1"] * 6 + ["Q147222", "KB933854 - QFE", "SP1 - SP", "IDNMitigationAPIs - Update",
                                   "KB925398_WMP64", "KB938127-IE7 - Update", "KB926139-v2", "KB915800-v9 - Update",
                                   "KB923561 - Update", "KB958644 - Update", "KB977165-v2 - Updat"]
    xp_kbs = ["KB933854", "KB925398", "KB938127", "KB926139", "KB915800", "KB923561", "KB958644"]
    xp_raw = {"KB925398": "KB925398_WMP64", "KB938127": "KB938127-IE7", "KB926139": "KB926139-v2",
              "KB915800": "KB915800-v9"}
    xp = "Microsoft Windows XP Professional"
    fields = systeminfo("en", "XP-CAPPED", xp, "5.1.2600 Service Pack 3 Build 2600", xp_entries, announced=221)
    write("capped-xp-description-cut.txt", render(fields).encode("cp437"))
    expect("capped-xp-description-cut.txt", [host("XP-CAPPED", None, [*xp_kbs, "KB977165"], announced=221,
                                                  listed=17, raw={**xp_raw, "KB977165": "KB977165-v2"})])
    # The same list ending in a bare 6-digit id: it may be the start of a 7-digit one, so it is dropped.
    fields = systeminfo("en", "XP-CAPPED", xp, "5.1.2600 Service Pack 3 Build 2600", [*xp_entries[:-1], "KB977165"],
                        announced=221)
    write("capped-xp-bare-last.txt", render(fields).encode("cp437"))
    expect("capped-xp-bare-last.txt", [host("XP-CAPPED", None, xp_kbs, announced=221, listed=16, raw=xp_raw,
                                            warnings=["'KB977165' looks cut off"])])
    # The file ends inside the last entry (no line end): dropped even though its count looks whole.
    fields = systeminfo("en", "NODE-EOF", ws2008r2, v7601, listed[:5], nic=False)
    text = render(fields, end=False)
    write("cut-at-eof.txt", text.encode("cp437"))
    expect("cut-at-eof.txt", [host("NODE-EOF", "ws2008r2", listed[:4], announced=5, listed=4,
                                   warnings=[f"{listed[4]!r} looks cut off"])])
    text = render(fields, end=False)[:-3]  # ... "[05]: KB28316" cut mid-number at the end of the file
    write("cut-at-eof-mid-number.txt", text.encode("cp437"))
    expect("cut-at-eof-mid-number.txt", [host("NODE-EOF", "ws2008r2", listed[:4], announced=5, listed=4,
                                               warnings=["looks cut off"])])
    # Cut by hand in a writeup: the header says 15, two entries pasted, nothing after them.
    fields = systeminfo("en", "WEB01", "Microsoft Windows Server 2019 Standard", "10.0.17763 N/A Build 17763",
                        ["KB4580422", "KB4512577"], announced=15, nic=False)
    write("hand-cut.txt", render(fields).encode("utf-8"))
    expect("hand-cut.txt", [host("WEB01", "ws2019", ["KB4580422", "KB4512577"], announced=15, listed=2)])
    # Complete lists keep announced == listed; "N/A" announces nothing.
    fields = systeminfo("en", "BASTARD", "Microsoft Windows Server 2008 R2 Datacenter", "6.1.7600 N/A Build 7600", [])
    write("no-hotfixes-na.txt", render(fields).encode("cp437"))
    expect("no-hotfixes-na.txt", [host("BASTARD", "ws2008r2", [], announced=None, listed=0)])
    # systeminfo /fo csv, capped: the cell lists fewer than it announces; the last one cut mid-number.
    rows = [full(english("CSV-A", ws2008r2, v7601, [*listed[:99], "KB28"]), "Hotfix(s)", 180),
            full(english("CSV-B", ws2008r2, v7601, listed[:50]), "Hotfix(s)")]
    write("capped.csv", csv_text(rows).encode("cp437"))
    expect("capped.csv", [host("CSV-A", "ws2008r2", listed[:99], announced=180, listed=99,
                               warnings=["'KB28' looks cut off"]),
                          host("CSV-B", "ws2008r2", listed[:50], announced=50, listed=50)])
    rows = [full(german("CSV-DE", listed[:120]), "Hotfix(es)", 140)]
    write("capped-de.csv", csv_text(rows).encode("cp850"))
    expect("capped-de.csv", [host("CSV-DE", "ws2012", listed[:120], announced=140, listed=120)])


# ---------------------------------------------------------------------------------------------------------
# 2. ids with suffixes, ids that are no KB


SUFFIXED = {"KB893803v2": "KB893803", "KB2536276-v2": "KB2536276", "KB2510531-IE8": "KB2510531",
            "KB2378111_WM9": "KB2378111"}


def ps5_csv(rows: list[tuple[str, str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(PS5_HEADER)
    for name, kb, when in rows:
        writer.writerow([name, when, "2", "Win32_QuickFixEngineering", name,
                         f"http://support.microsoft.com/?kbid={kb[2:]}", name, "Update", "", kb, "",
                         "NT AUTHORITY\\SYSTEM", "", "", "", "", ""])
    return "#TYPE System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering\r\n" + buffer.getvalue()


def wmic_csv(rows: list[tuple[str, str, str]]) -> str:
    lines = ["", "Node,Caption,CSName,Description,FixComments,HotFixID,InstallDate,InstalledBy,InstalledOn,Name,"
             "ServicePackInEffect,Status"]
    lines += [f"{name},,{name},Update,,{kb},,NT AUTHORITY\\SYSTEM,{when},,," for name, kb, when in rows]
    return "\r\n".join(lines) + "\r\n"


def wmic_table(rows: list[tuple[str, str, str]]) -> list[str]:
    return table([["Caption", "CSName", "Description", "FixComments", "HotFixID", "InstallDate", "InstalledBy",
                   "InstalledOn", "Name", "ServicePackInEffect", "Status"],
                  *[["", name, "Update", "", kb, "", "NT AUTHORITY\\SYSTEM", when, "", "", ""]
                    for name, kb, when in rows]])


def hotfix_table(rows: list[tuple[str, str, str]], source_width: int = 0, mark: str = "...") -> list[str]:
    """Get-HotFix's default view; `source_width` cuts the Source column like a narrow console, ending the
    value with `mark` (`...` in PowerShell 5, `…` in PowerShell 7)."""
    def cell(value: str) -> str:
        return value if not source_width or len(value) <= source_width else value[:source_width - len(mark)] + mark
    return table([["Source", "Description", "HotFixID", "InstalledBy", "InstalledOn"],
                  *[[cell(name), "Update", kb, "NT AUTHORITY\\SYSTEM", when] for name, kb, when in rows]],
                 underline=True, pad=1)


def suffixes() -> None:
    xp = [("XP01", kb, "3/2/2011") for kb in SUFFIXED] + [("XP01", "KB2779069", "12/11/2013"),
                                                          ("XP01", "File 1", ""), ("XP01", "Q147222", "")]
    want = host("XP01", None, [*SUFFIXED.values(), "KB2779069"], raw={v: k for k, v in SUFFIXED.items()})
    write("suffix-hotfix.csv", ps5_csv(xp).encode("ascii"))
    expect("suffix-hotfix.csv", [want])
    write("suffix-wmic.csv", BOM16 + wmic_csv(xp).encode("utf-16-le"))
    expect("suffix-wmic.csv", [want])
    write("suffix-wmic-table.txt", BOM16 + "\r\n".join([*wmic_table(xp), ""]).encode("utf-16-le"))
    expect("suffix-wmic-table.txt", [want])
    write("suffix-hotfix-table.txt", BOM16 + "\r\n".join(["", *hotfix_table(xp), "", ""]).encode("utf-16-le"))
    expect("suffix-hotfix-table.txt", [want])
    items = [{"HotFixID": kb, "CSName": "XP01", "InstalledOn": None} for _, kb, _ in xp]
    write("suffix-hotfix.json", json.dumps(items, indent=2).encode("utf-8"))
    expect("suffix-hotfix.json", [want])
    write("XP02.txt", "\r\n".join([*SUFFIXED, "File 1", "KB2779069", ""]).encode("utf-8"))
    expect("XP02.txt", [host("XP02", None, [*SUFFIXED.values(), "KB2779069"], raw={v: k for k, v in SUFFIXED.items()})])
    fields = systeminfo("en", "XP03", "Microsoft Windows XP Professional", "5.1.2600 Service Pack 3 Build 2600",
                        [*SUFFIXED, "Q147222", "File 1", "KB2779069"])
    write("suffix-systeminfo.txt", render(fields).encode("cp437"))
    expect("suffix-systeminfo.txt", [host("XP03", None, [*SUFFIXED.values(), "KB2779069"], announced=7, listed=7,
                                          raw={v: k for k, v in SUFFIXED.items()})])
    # wmic on Vista/2008 writes the id without "KB": still a KB, no raw kept.
    vista = [("VISTA01", "943729", "8/20/2008"), ("VISTA01", "KB955020", "8/20/2008")]
    write("wmic-vista-no-kb-prefix.csv", BOM16 + wmic_csv(vista).encode("utf-16-le"))
    expect("wmic-vista-no-kb-prefix.csv", [host("VISTA01", None, ["KB943729", "KB955020"])])
    # Rows whose ids are no KB at all: an error, never a host with nothing installed.
    junk = [("HV70", "File 1", ""), ("HV70", "Q147222", ""), ("HV70", "n/a", "")]
    write("no-kb-rows.csv", ps5_csv(junk).encode("ascii"))
    expect("no-kb-rows.csv", error=r"none of its 3 hotfix rows holds a KB id \(the HotFixID column holds 'File 1'")
    write("no-kb-wmic-table.txt", BOM16 + "\r\n".join([*wmic_table(junk), ""]).encode("utf-16-le"))
    expect("no-kb-wmic-table.txt", error=r"none of its 3 hotfix rows holds a KB id")
    write("no-kb-hotfix.json", json.dumps([{"HotFixID": "File 1", "CSName": "HV71"}]).encode("utf-8"))
    expect("no-kb-hotfix.json", error=r"none of its 1 hotfix objects holds a KB id")
    # One host of two with no KB: read, with a warning on that host.
    mixed = [("HV72", "KB2779069", "12/11/2013"), ("HV73", "File 1", "")]
    write("one-host-no-kb.csv", ps5_csv(mixed).encode("ascii"))
    expect("one-host-no-kb.csv", [host("HV72", None, ["KB2779069"]),
                                  host("HV73", None, [], warnings=["hold no KB id"])])


# ---------------------------------------------------------------------------------------------------------
# 3. terminal captures


def captures() -> None:
    rows = [("HV80", "KB2779069", "12/11/2013"), ("HV80", "KB2903938", "12/17/2013")]
    want = [host("HV80", None, ["KB2779069", "KB2903938"])]
    table_lines = wmic_table(rows)
    cases: dict[str, tuple[str, str]] = {
        "capture-wmic-table-prompt.txt": ("C:\\> wmic qfe\r\n", "\r\n".join(table_lines) + "\r\n\r\nC:\\>\r\n"),
        "capture-wmic-table-banner.txt": ("C:\\Windows\\system32>wmic qfe list\r\n"
                                          "Please wait while WMIC is being installed.",
                                          "\r\n".join(table_lines) + "\r\n"),
        "capture-wmic-table-banner-line.txt": ("Please wait while WMIC is being installed.\r\n",
                                               "\r\n".join(table_lines) + "\r\n"),
        "capture-wmic-table-blank-rows.txt": ("C:\\htb> wmic qfe list\r\n\r\n",
                                              "\r\n\r\n".join(table_lines) + "\r\n\r\nC:\\htb>"),
        "capture-wmic-get-commas.txt": ("wmic qfe get Caption,Description,HotFixID,InstalledOn\r\n",
                                        "\r\n".join(table_lines) + "\r\n"),
        "capture-wmic-get-commas-prompt.txt": ("C:\\Users\\adm>wmic qfe get Caption,Description,HotFixID,"
                                               "InstalledOn\r\n",
                                               "\r\n".join(table_lines) + "\r\n"),
        "capture-hotfix-table-ps.txt": ("PS C:\\Users\\adm> Get-HotFix\r\n\r\n",
                                        "\r\n".join(hotfix_table(rows)) + "\r\n\r\n\r\nPS C:\\Users\\adm> "),
        "capture-hotfix-table-cat.txt": ("cat q\r\n", "\r\n".join(hotfix_table(rows)) + "\r\n"),
        "capture-hotfix-table-kali.txt": ("kali@kali:~/htb$ cat hotfix.txt\n",
                                          "\n".join(hotfix_table(rows)) + "\nkali@kali:~/htb$ \n"),
        "capture-hotfix-csv-ps.csv": ("PS C:\\> Get-HotFix | Export-Csv -NoTypeInformation q.csv; type q.csv\r\n",
                                      ps5_csv(rows).split("\r\n", 1)[1] + "PS C:\\>\r\n"),
        "capture-wmic-csv.csv": ("C:\\> wmic qfe list full /format:csv\r\n", wmic_csv(rows) + "\r\nC:\\>\r\n"),
        "capture-kb-list.txt": ("PS C:\\> (Get-HotFix).HotFixID\r\n", "KB2779069\r\nKB2903938\r\nPS C:\\> \r\n"),
        "capture-wmic-list.txt": ("C:\\> wmic qfe list full\r\n\r\n",
                                  "".join(f"\r\n\r\nCaption=\r\nCSName=HV80\r\nDescription=Update\r\nHotFixID={kb}\r\n"
                                          f"InstalledOn={when}\r\n" for _, kb, when in rows) + "\r\n\r\nC:\\>"),
    }
    cases["capture-hotfix-fl-ps.txt"] = ("PS C:\\> Get-HotFix | Format-List\r\n\r\n", "".join(
        f"\r\nSource      : HV80\r\nDescription : Update\r\nHotFixID    : {kb}\r\nInstalledBy : "
        f"NT AUTHORITY\\SYSTEM\r\nInstalledOn : {when} 12:00:00 AM\r\n" for _, kb, when in rows) + "\r\n\r\nPS C:\\> ")
    # cmd's `wmic qfe list > q.txt` ends lines with CR CR LF; the first run's banner stands before the header.
    cases["capture-wmic-table-crcrlf.txt"] = ("Please wait while WMIC is being installed.\r\r\n",
                                              "\r\r\n".join(table_lines) + "\r\r\n")
    for name, (before, body) in cases.items():
        text = before + body
        utf16 = ("wmic" in name and "csv" not in name) or "-fl-" in name  # wmic and PowerShell 5 `>` redirects
        data = BOM16 + text.encode("utf-16-le") if utf16 else text.encode("utf-8")
        write(name, data)
        if name == "capture-kb-list.txt":
            expect(name, [host("CAPTURE-KB-LIST", None, ["KB2779069", "KB2903938"])])
        else:
            expect(name, want)
    fields = systeminfo("en", "HV81", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600 N/A Build 9600",
                        ["KB2919355", "KB2919442"])
    for name, before, after in (("capture-systeminfo-htb.txt", "C:\\htb> systeminfo\r\n", "C:\\htb>"),
                                ("capture-systeminfo-ps.txt", "PS C:\\Users\\adm> systeminfo\r\n",
                                 "PS C:\\Users\\adm> "),
                                ("capture-systeminfo-cat.txt", "cat sysinfo.txt\r\n", ""),
                                ("capture-systeminfo-bare.txt", "systeminfo\r\n", "")):
        write(name, (before + render(fields) + after).encode("utf-8"))
        expect(name, [host("HV81", "ws2012r2", ["KB2919355", "KB2919442"], announced=2, listed=2)])


# ---------------------------------------------------------------------------------------------------------
# 4. host names


def host_names() -> None:
    fields = systeminfo("en", None, "Microsoft Windows Server 2012 R2 Standard", "6.3.9600 N/A Build 9600",
                        ["KB2919355"])
    write("HV90.txt", render(fields).encode("cp437"))
    expect("HV90.txt", [host("HV90", "ws2012r2", ["KB2919355"], announced=1, listed=1,
                             warnings=["no host-name line"])])
    write("hv91.contoso.local.txt", render(fields).encode("utf-8"))
    expect("hv91.contoso.local.txt", [host("HV91", "ws2012r2", ["KB2919355"], announced=1, listed=1,
                                           warnings=["no host-name line"])])
    rows = [full(english("x", "Microsoft Windows Server 2012 R2 Standard", "6.3.9600 N/A Build 9600", ["KB2919355"]),
                 "Hotfix(s)", drop="Host Name")]
    write("HV92.csv", csv_text(rows).encode("cp437"))
    expect("HV92.csv", [host("HV92", "ws2012r2", ["KB2919355"], announced=1, listed=1,
                             warnings=["no host-name"])])
    two = render(systeminfo("en", "HV93", "Microsoft Windows Server 2012 R2 Standard", "6.3.9600 N/A Build 9600",
                            ["KB2919355"])) + render(fields)
    write("joined-one-without-host.txt", two.encode("cp437"))
    expect("joined-one-without-host.txt", error="one of them has no host-name line")
    rows = [("DESKTOP-SJ4KQ2V", "KB5004331", "8/12/2021"), ("DESKTOP-SJ4KQ2V", "KB5003791", "8/12/2021")]
    for name, mark in (("DESKTOP-CUT.txt", "..."), ("DESKTOP-CUT-ELLIPSIS.txt", "\u2026")):
        lines = hotfix_table(rows, source_width=13, mark=mark)
        write(name, BOM16 + "\r\n".join(["", *lines, "", ""]).encode("utf-16-le"))
        expect(name, [host(name.rsplit(".", 1)[0].upper(), None, ["KB5004331", "KB5003791"],
                           warnings=[f"'{'DESKTOP-SJ4KQ2V'[:13 - len(mark)]}{mark}' is cut off"])])
    # Portuguese console: InstalledBy cut ("AUTORIDADE NT\SIS..."), the host whole.
    lines = table([["Source", "Description", "HotFixID", "InstalledBy", "InstalledOn"],
                   ["SRV-BR01", "Update", "KB5004331", "AUTORIDADE NT\\SIS...", "12/08/2021 00:00:00"],
                   ["SRV-BR01", "Security Update", "KB5005699", "AUTORIDADE NT\\SIS...", "15/09/2021 00:00:00"]],
                  underline=True, pad=1)
    write("hotfix-table-pt-cut-installedby.txt", BOM16 + "\r\n".join(["", *lines, ""]).encode("utf-16-le"))
    expect("hotfix-table-pt-cut-installedby.txt", [host("SRV-BR01", None, ["KB5004331", "KB5005699"])])
    rows = [("DESKTOP-SJ4KQ2V", "KB5004331", ""), ("DESKTOP-AB12CD", "KB5003791", "")]
    write("two-cut-hosts.txt", "\r\n".join(["", *hotfix_table(rows, source_width=13), ""]).encode("utf-8"))
    expect("two-cut-hosts.txt", error="the host column is cut off by the console")


# ---------------------------------------------------------------------------------------------------------
# 5. languages, code pages, captions


def languages() -> None:
    ws2012r2 = "Microsoft Windows Server 2012 R2 Standard"
    for lang in LANGS:
        name = f"lang-{lang}-{CODEPAGE[lang]}.txt"
        node = f"SRV-{lang.upper()}"
        caption = "Майкрософт Windows Server 2012 R2 Standard" if lang == "ru" else ws2012r2
        fields = systeminfo(lang, node, caption, version_of(lang, "6.3.9600"), ["KB2919355", "KB2919442", "KB3000850"])
        write(name, render(fields).encode(CODEPAGE[lang]))
        expect(name, [host(node, "ws2012r2", ["KB2919355", "KB2919442", "KB3000850"], announced=3, listed=3)])
    # Russian from PowerShell: UTF-16LE (5) and UTF-8 (7); a Windows 10 client.
    fields = systeminfo("ru", "DESKTOP-LTI9L04", "Майкрософт Windows 10 Домашняя", version_of("ru", "10.0.19044"),
                        ["KB5004331", "KB5003791", "KB5006670", "KB5005699"])
    write("lang-ru-ps5.txt", BOM16 + render(fields).encode("utf-16-le"))
    write("lang-ru-ps7.txt", render(fields, "\n").encode("utf-8"))
    for name in ("lang-ru-ps5.txt", "lang-ru-ps7.txt"):
        expect(name, [host("DESKTOP-LTI9L04", "win10-21h2", ["KB5004331", "KB5003791", "KB5006670", "KB5005699"],
                           announced=4, listed=4)])
    fields = systeminfo("zh-cn", "WIN-WEB", "Microsoft Windows Server 2016 Datacenter",
                        version_of("zh-cn", "10.0.14393"), ["KB5013625", "KB4049065", "KB4486129"])
    write("lang-zh-cn-ws2016-utf8.txt", render(fields).encode("utf-8"))
    expect("lang-zh-cn-ws2016-utf8.txt", [host("WIN-WEB", "ws2016", ["KB5013625", "KB4049065", "KB4486129"],
                                              announced=3, listed=3)])
    # Captions whose ® and ™ a console code page turned into letters, and the caption of an unknown language.
    marked = [("vista-cp437.txt", "en", "Microsoftr Windows VistaT Enterprise", "6.0.6002", "vista", "cp437"),
              ("vista-business-de.txt", "de", "Microsoftr Windows VistaT Business", "6.0.6001", "vista", "cp850"),
              ("ws2008-registered-utf16.txt", "en", "Microsoft® Windows Server® 2008 Standard", "6.0.6002",
               "ws2008", "utf-16"),
              ("ws2008-serverr-cp852.txt", "pl", "Microsoftr Windows Serverr 2008 Enterprise", "6.0.6003",
               "ws2008", "cp852"),
              ("ws2008-question-ascii.txt", "en", "Microsoft? Windows Server? 2008 Datacenter", "6.0.6002",
               "ws2008", "ascii"),
              ("no-company-caption-ko.txt", "ko", "Windows Server 2012 R2 Datacenter", "6.3.9600", "ws2012r2",
               "cp949")]
    for name, lang, caption, dotted, product, codec in marked:
        fields = systeminfo(lang, "OLD01", caption, version_of(lang, dotted), ["KB2779069"])
        text = render(fields)
        write(name, BOM16 + text.encode("utf-16-le") if codec == "utf-16" else text.encode(codec))
        expect(name, [host("OLD01", product, ["KB2779069"], announced=1, listed=1)])


# ---------------------------------------------------------------------------------------------------------
# 6. products from versions


def versions() -> None:
    clients = {10240: "win10-1507", 10586: "win10-1511", 14393: "win10-1607", 15063: "win10-1703",
               16299: "win10-1709", 17134: "win10-1803", 17763: "win10-1809", 18362: "win10-1903",
               18363: "win10-1909", 19041: "win10-2004", 19042: "win10-20h2", 19043: "win10-21h1",
               19044: "win10-21h2", 19045: "win10-22h2", 22000: "win11-21h2", 22621: "win11-22h2",
               22631: "win11-23h2", 26100: "win11-24h2", 26200: "win11-25h2", 19046: "win10", 27000: "win11"}
    for build, product in clients.items():
        family = "11" if build >= 22000 else "10"
        name = f"client-{build}.txt"
        fields = systeminfo("en", f"PC{build}", f"Microsoft Windows {family} Enterprise",
                            f"10.0.{build} N/A Build {build}", ["KB5005699"])
        write(name, render(fields).encode("cp437"))
        expect(name, [host(f"PC{build}", product, ["KB5005699"], announced=1, listed=1)])
    servers = {14393: ("2016", "ws2016"), 17763: ("2019", "ws2019"), 20348: ("2022", "ws2022"),
               26100: ("2025", "ws2025")}
    for build, (year, product) in servers.items():
        for suffix, caption in (("named", f"Microsoft Windows Server {year} Datacenter"),
                                ("unnamed", "Microsoft Windows Server Datacenter")):
            name = f"server-{build}-{suffix}.txt"
            fields = systeminfo("en", f"HV{build}", caption, f"10.0.{build} N/A Build {build}", ["KB5005039"])
            write(name, BOM16 + render(fields).encode("utf-16-le"))
            expect(name, [host(f"HV{build}", product, ["KB5005039"], announced=1, listed=1)])
    # Contradictions fail closed: no product.
    for name, caption, build in (("client-10-caption-11-build.txt", "Microsoft Windows 10 Pro", 22631),
                                 ("client-20348.txt", "Microsoft Windows 10 Pro", 20348)):
        fields = systeminfo("en", "ODD01", caption, f"10.0.{build} N/A Build {build}", ["KB5005039"])
        write(name, render(fields).encode("cp437"))
        expect(name, [host("ODD01", None, ["KB5005039"], announced=1, listed=1)])


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    capped_lists()
    suffixes()
    captures()
    host_names()
    languages()
    versions()
    (OUT / "expected.json").write_text(json.dumps(EXPECTED, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(EXPECTED)} files in {OUT}")


if __name__ == "__main__":
    main()
