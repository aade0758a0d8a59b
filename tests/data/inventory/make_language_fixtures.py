"""(Re)generate the fixtures of display languages, code pages, osquery result logs and culture dates.

Run from the repository root: `python tests/data/inventory/make_language_fixtures.py`. It writes BYTES
the way the real tools do (see make_fixtures.py, whose rendering helpers it shares):

- cmd `systeminfo > f` in the system locale's OEM code page: cp866 (Russian), cp852 (Polish), cp932
  (Japanese), cp437 (US English); WS2008's caption `Microsoft® Windows Server® 2008` comes out as
  `Microsoftr Windows Serverr 2008` in a code page without ® (cmd's best fit);
- fleet files appended from hosts in different display languages (`systeminfo /s HOST >> fleet.txt`
  in cmd, or in PowerShell 7, which appends UTF-8);
- osqueryd result logs holding several scheduled queries (os_version, programs, patches);
- Get-HotFix | Export-Csv from PowerShell 5 in ja-JP, nl-NL and hu-HU (culture short dates).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_fixtures import PS5_TYPE, csv_rows, export, listing, write  # noqa: E402
from systeminfo_hosts import CPU_62, ITALIAN, POLISH, Field, english, german, nic, numbered  # noqa: E402

WS2008_CMD = "Microsoftr Windows Serverr 2008 Enterprise"  # `Microsoft® Windows Server® 2008` in cmd


def replaced(fields: list[Field], **values: str) -> list[Field]:
    """`fields` with the values of some labels replaced (`Nome_host="HV41"`: spaces as underscores)."""
    wanted = {label.replace("_", " "): value for label, value in values.items()}
    return [(label, wanted.get(label, value), lines) for label, value, lines in fields]


def russian(host: str, caption: str, version: str, hotfixes: list[str]) -> list[Field]:
    return [
        ("Имя узла", host, []),
        ("Название ОС", caption, []),
        ("Версия ОС", version, []),
        ("Изготовитель ОС", "Microsoft Corporation", []),
        ("Параметры ОС", "Рядовой сервер", []),
        ("Сборка ОС", "Multiprocessor Free", []),
        ("Зарегистрированный владелец", "Пользователь Windows", []),
        ("Зарегистрированная организация", "", []),
        ("Код продукта", "00252-70000-00000-AA535", []),
        ("Дата установки", "14.03.2013, 10:12:45", []),
        ("Время загрузки системы", "15.12.2013, 3:02:11", []),
        ("Изготовитель системы", "HP", []),
        ("Модель системы", "ProLiant DL380p Gen8", []),
        ("Тип системы", "x64-based PC", []),
        ("Процессор(ы)", "Число процессоров - 1.", numbered([CPU_62])),
        ("Версия BIOS", "HP P70, 08.08.2013", []),
        ("Папка Windows", "C:\\Windows", []),
        ("Системная папка", "C:\\Windows\\system32", []),
        ("Устройство загрузки", "\\Device\\HarddiskVolume1", []),
        ("Язык системы", "ru;Русский", []),
        ("Язык ввода", "ru;Русский", []),
        ("Часовой пояс", "(UTC+04:00) Москва, Санкт-Петербург, Волгоград", []),
        ("Полный объем физической памяти", "131\u00a0037 МБ", []),
        ("Доступная физическая память", "98\u00a0512 МБ", []),
        ("Виртуальная память: Макс. размер", "150\u00a0493 МБ", []),
        ("Виртуальная память: Доступна", "115\u00a0002 МБ", []),
        ("Виртуальная память: Используется", "35\u00a0491 МБ", []),
        ("Расположение файла подкачки", "C:\\pagefile.sys", []),
        ("Домен", "contoso.local", []),
        ("Сервер входа в сеть", "\\\\DC01", []),
        ("Исправление(я)", f"Число установленных исправлений - {len(hotfixes)}.", numbered(hotfixes)),
        ("Сетевые адаптеры", "Число сетевых адаптеров - 1.", nic(
            "Intel(R) Ethernet 10G 2P X520 Adapter",
            ["Имя подключения: Ethernet", "DHCP включен:    Нет", "IP-адрес"], ["10.0.5.21"])),
        ("Требования Hyper-V", "Обнаружена низкоуровневая оболочка. Компоненты, необходимые для "
         "Hyper-V, отображены не будут.", []),
    ]


def japanese(host: str, caption: str, version: str, hotfixes: list[str]) -> list[Field]:
    return [
        ("ホスト名", host, []),
        ("OS 名", caption, []),
        ("OS バージョン", version, []),
        ("OS 製造元", "Microsoft Corporation", []),
        ("OS 構成", "メンバー サーバー", []),
        ("OS ビルドの種類", "Multiprocessor Free", []),
        ("登録されている所有者", "Windows ユーザー", []),
        ("登録されている組織", "", []),
        ("プロダクト ID", "00376-40000-00000-AA947", []),
        ("最初のインストール日付", "2016/11/02, 10:12:45", []),
        ("システム起動時間", "2017/01/10, 8:01:02", []),
        ("システム製造元", "HP", []),
        ("システム モデル", "ProLiant DL380 Gen9", []),
        ("システムの種類", "x64-based PC", []),
        ("プロセッサ", "1 プロセッサインストール済みです。", numbered([CPU_62])),
        ("BIOS バージョン", "HP P89, 2016/10/21", []),
        ("Windows ディレクトリ", "C:\\Windows", []),
        ("システム ディレクトリ", "C:\\Windows\\system32", []),
        ("起動デバイス", "\\Device\\HarddiskVolume1", []),
        ("システム ロケール", "ja;日本語", []),
        ("入力ロケール", "ja;日本語", []),
        ("タイム ゾーン", "(UTC+09:00) 大阪、札幌、東京", []),
        ("物理メモリの合計", "262,034 MB", []),
        ("利用できる物理メモリ", "250,001 MB", []),
        ("仮想メモリ: 最大サイズ", "300,000 MB", []),
        ("仮想メモリ: 利用可能", "280,000 MB", []),
        ("仮想メモリ: 使用中", "20,000 MB", []),
        ("ページ ファイルの場所", "C:\\pagefile.sys", []),
        ("ドメイン", "contoso.local", []),
        ("ログオン サーバー", "\\\\DC01", []),
        ("ホットフィックス", f"{len(hotfixes)} ホットフィックスがインストールされています。", numbered(hotfixes)),
        ("ネットワーク カード", "1 NIC(s) インストール済みです。", nic(
            "Intel(R) Ethernet 10G 2P X520 Adapter",
            ["接続名:          イーサネット", "DHCP が有効:     いいえ", "IP アドレス"], ["10.0.6.31"])),
        ("Hyper-V の要件", "ハイパーバイザーが検出されました。Hyper-V で必要な機能は表示されません。", []),
    ]


def systeminfo_fixtures() -> None:
    # cmd in several display languages appending to one fleet file (cp850 covers German and Italian).
    write("systeminfo-mixed-de-it.txt", listing([
        german("HV40", ["KB2779069", "KB2903938"]),
        replaced(ITALIAN, Nome_host="HV41"),
    ]).encode("cp850"))
    # PowerShell 7 `systeminfo /s HOST >> fleet.txt`: UTF-8, three languages kbscan has no labels for.
    write("systeminfo-mixed-it-pl-ja-utf8.txt", listing([
        replaced(ITALIAN, Nome_host="HV42"),
        replaced(POLISH, Nazwa_hosta="HV43"),
        japanese("HV44", "Microsoft Windows Server 2016 Datacenter", "10.0.14393 N/A ビルド 14393",
                 ["File 1"]),  # a fresh host: only the placeholder WMI lists for some updates
    ]).encode("utf-8"))
    write("systeminfo-ru-cp866-ws2008.txt", listing([russian(
        "HV45", WS2008_CMD, "6.0.6002 Service Pack 2 построение 6002", ["KB2779069", "KB2905412"],
    )]).encode("cp866"))
    write("systeminfo-ru-cp866-cyrillic-host.txt", listing([russian(
        "СЕРВЕР-ХВ1", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600 Н/Д построение 9600",
        ["KB2919355", "KB3000850"],
    )]).encode("cp866"))
    lodz = replaced(POLISH, Nazwa_hosta="ŁÓDŹ-HV01", Nazwa_systemu_operacyjnego=WS2008_CMD,
                    Wersja_systemu_operacyjnego="6.0.6002 Service Pack 2 Kompilacja 6002")
    write("systeminfo-pl-cp852-ws2008.txt", listing([lodz]).encode("cp852"))
    write("systeminfo-pl-cp852-ws2008.csv", csv_rows([lodz]).encode("cp852"))
    write("systeminfo-ja-cp932.txt", listing([japanese(
        "HV46", "Microsoft Windows Server 2016 Datacenter", "10.0.14393 N/A ビルド 14393", ["KB3192137"],
    )]).encode("cp932"))
    # English display language on a Russian system locale: only the host name is not ASCII.
    write("systeminfo-en-ru-locale-cp866.txt", listing([replaced(
        english("СЕРВЕР-ХВ2", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600 N/A Build 9600",
                ["KB2919355"]),
        System_Locale="ru;Russian", Input_Locale="ru;Russian",
    )]).encode("cp866"))
    write("systeminfo-en-azshci.txt", listing([english(
        "HV47", "Microsoft Azure Stack HCI", "10.0.20348 N/A Build 20348", ["KB5005039", "KB5007205"],
    )]).encode("cp437"))


def event(name: str, identifier: str, columns: dict[str, str], *, hostname: str = "") -> str:
    """One osqueryd result-log line (event format), keys in the order osqueryd writes them."""
    line: dict[str, object] = {
        "name": name, "hostIdentifier": identifier, "calendarTime": "Fri Dec 20 07:00:00 2013 UTC",
        "unixTime": 1387522800, "epoch": 0, "counter": 0, "numerics": False,
    }
    if hostname:
        line["decorations"] = {"host_uuid": "4C4C4544-0033-3010-8033-B7C04F4E4A32", "hostname": hostname}
    line.update(columns=columns, action="added")
    return json.dumps(line, separators=(",", ":"))


def os_version(name: str, version: str) -> dict[str, str]:
    major, minor, build = version.split(".")
    return {"arch": "64-bit", "build": build, "codename": name.removeprefix("Microsoft "),
            "install_date": "20130314101245", "major": major, "minor": minor, "name": name, "patch": "",
            "platform": "windows", "platform_like": "windows", "version": version}


def patch(csname: str, kb: str, installed_on: str) -> dict[str, str]:
    return {"caption": f"http://support.microsoft.com/?kbid={kb[2:]}", "csname": csname,
            "description": "Update", "fix_comments": "", "hotfix_id": kb, "install_date": "",
            "installed_by": "NT AUTHORITY\\SYSTEM", "installed_on": installed_on}


def program(name: str, version: str) -> dict[str, str]:
    return {"identifying_number": "{5FCE6D76-F5DC-37AB-B2B8-22AB8CEDB1D4}", "install_date": "20130314",
            "install_location": "", "install_source": "C:\\ProgramData\\Package Cache\\", "language": "1033",
            "name": name, "publisher": "Microsoft Corporation", "uninstall_string": "MsiExec.exe /X{...}",
            "version": version}


def osquery_fixtures() -> None:
    # One host's scheduled pack: os_version first, then a programs query, whose rows also have name +
    # version, long enough to push the first patches row past the 4 KB kbscan sniffs.
    fqdn = "hv48.contoso.local"
    programs = [program(f"Microsoft Visual C++ 20{year} x64 Redistributable - {version}", version)
                for year, version in (("08", "9.0.30729.6161"), ("10", "10.0.40219"), ("12", "11.0.61030"),
                                      ("13", "12.0.30501"))] * 5
    lines = [event("pack_kbscan_os", fqdn, os_version("Microsoft Windows Server 2012 Datacenter", "6.2.9200"),
                   hostname="HV48")]
    lines += [event("pack_inventory_programs", fqdn, row, hostname="HV48") for row in programs]
    lines += [event("pack_kbscan_patches", fqdn, patch("HV48", kb, when), hostname="HV48")
              for kb, when in (("KB2779069", "12/11/2013"), ("KB2903938", "12/17/2013"))]
    write("osquery-results-mixed.log", "".join(line + "\n" for line in lines).encode("utf-8"))
    # --host_identifier=uuid: os_version rows carry no csname, patches rows do. HV50 logs snapshots, the
    # patches snapshot first, then the os_version one (which must not empty it).
    uuid49, uuid50 = "4C4C4544-0033-3010-8033-B7C04F4E4A32", "4C4C4544-0051-4410-8036-C2C04F385A32"
    lines = [event("pack_kbscan_os", uuid49, os_version("Microsoft Windows Server 2012 R2 Datacenter",
                                                        "6.3.9600")),
             event("pack_kbscan_patches", uuid49, patch("HV49", "KB2919355", "4/9/2014"))]
    for name, rows in (("pack_kbscan_patches", [patch("HV50", "KB2779069", "12/11/2013")]),
                       ("pack_kbscan_os", [os_version("Microsoft Windows Server 2012 Datacenter", "6.2.9200")])):
        lines.append(json.dumps({"snapshot": rows, "action": "snapshot", "name": name, "hostIdentifier": uuid50,
                                 "calendarTime": "Fri Dec 20 07:00:00 2013 UTC", "unixTime": 1387522800,
                                 "epoch": 0, "counter": 0, "numerics": False}, separators=(",", ":")))
    write("osquery-results-uuid.log", "".join(line + "\n" for line in lines).encode("utf-8"))


def export_csv(rows: list[tuple[str, str, str]], delimiter: str) -> str:
    """PowerShell 5 Get-HotFix | Export-Csv [-UseCulture]: #TYPE line, all quoted, CRLF."""
    return PS5_TYPE + "\r\n" + export(rows, delimiter, description="Update")


def date_fixtures() -> None:
    # InstalledOn in the culture's short date and long time: ja-JP yyyy/MM/dd H:mm:ss, nl-NL d-M-yyyy
    # H:mm:ss (list separator ;), hu-HU yyyy. MM. dd. H:mm:ss (;). PowerShell 5 Export-Csv writes ASCII.
    write("hotfix-ps5-ja.csv", export_csv([("HV51", "KB2779069", "2013/12/11 0:00:00"),
                                           ("HV51", "KB2903938", "2013/12/17 0:00:00")], ",").encode("ascii"))
    write("hotfix-ps5-nl-useculture.csv", export_csv([("HV52", "KB2779069", "5-12-2013 0:00:00"),
                                                      ("HV52", "KB2903938", "11-12-2013 0:00:00")], ";")
          .encode("ascii"))
    write("hotfix-ps5-hu-useculture.csv", export_csv([("HV53", "KB2779069", "2013. 12. 11. 0:00:00"),
                                                      ("HV53", "KB2903938", "2013. 12. 17. 0:00:00")], ";")
          .encode("ascii"))


def main() -> None:
    systeminfo_fixtures()
    osquery_fixtures()
    date_fixtures()


if __name__ == "__main__":
    main()
