"""(Re)generate the inventory test fixtures as BYTES, in the encodings and line endings real tools write.

Run from the repository root: `python tests/data/inventory/make_fixtures.py`. The readable content of
the systeminfo hosts is in systeminfo_hosts.py; everything else is below. Encodings:
cmd `systeminfo > f` writes the OEM code page (cp437 US English, cp850 Western Europe, cp852 Polish);
PowerShell 5 `>` and wmic write UTF-16LE with a BOM; PowerShell 5 `Export-Csv` writes ASCII (UTF-8
with BOM when asked); PowerShell 7, osquery and the kbscan collector write UTF-8 without BOM.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from systeminfo_hosts import (  # noqa: E402
    FRENCH,
    ITALIAN,
    POLISH,
    SPANISH,
    Field,
    english,
    german,
)

BOM16 = b"\xff\xfe"


def listing(hosts: list[list[Field]], newline: str = "\r\n") -> str:
    """systeminfo list output: a blank line, then `Label:` padded to one value column per host."""
    out: list[str] = []
    for fields in hosts:
        width = max(len(label) for label, _, _ in fields) + 2
        out.append("")
        for label, value, lines in fields:
            out.append(f"{label + ':':<{width}}{value}")
            out.extend(" " * width + line for line in lines)
    return newline.join(out) + newline


def csv_rows(hosts: list[list[Field]], *, header: bool = True) -> str:
    """systeminfo /fo csv: a quoted header per host (as `>>` appends it), indented lines joined by commas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for fields in hosts:
        if header:
            writer.writerow([label for label, _, _ in fields])
        writer.writerow([",".join([value.rstrip(), *lines]) if lines else value for _, value, lines in fields])
    return buffer.getvalue()


def write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def utf16(text: str) -> bytes:
    return BOM16 + text.encode("utf-16-le")


def table(rows: list[list[str]], *, underline: bool = False, pad: int = 2) -> list[str]:
    """A space-aligned table like wmic's and Format-Table's (header, optional ---- line, rows)."""
    widths = [max(len(row[index]) for row in rows) + pad for index in range(len(rows[0]))]
    lines = ["".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    if underline:
        lines.insert(1, "".join(("-" * len(cell)).ljust(width) for cell, width in zip(rows[0], widths,
                                                                                      strict=True)))
    return lines


QFE = ["Caption", "CSName", "Description", "FixComments", "HotFixID", "InstallDate", "InstalledBy",
       "InstalledOn", "Name", "ServicePackInEffect", "Status"]


def qfe(host: str, kb: str, installed_on: str, description: str = "Hotfix") -> list[str]:
    caption = f"http://support.microsoft.com/?kbid={kb[2:]}" if kb.startswith("KB") else ""
    by = "NT AUTHORITY\\SYSTEM" if installed_on else ""
    return [caption, host, description, "", kb, "", by, installed_on, "", "", ""]


WMIC_ROWS = [
    qfe("HV14", "KB2779069", "12/11/2013"),
    qfe("HV14", "KB2903938", "12/17/2013", "Update"),
    qfe("HV14", "KB2883200", "01cef9c1a6c8e000", "Update"),  # old wmic: hex FILETIME
    qfe("HV14", "File 1", ""),
    qfe("HV15", "KB2905412", "", "Update"),  # blank date
    qfe("HV15", "KB2779069", "12/11/2013"),
]


def systeminfo_fixtures() -> None:
    en = english("HV01", "Microsoft Windows Server 2012 Datacenter", "6.2.9200 N/A Build 9200",
                 ["KB2779069", "KB2903938", "KB2908415"])
    write("systeminfo-en.txt", listing([en]).encode("cp437"))
    ps5 = english("HV02", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600 N/A Build 9600",
                  ["KB2919355", "KB2919442"], ip="10.0.0.6")
    write("systeminfo-en-ps5.txt", utf16(listing([ps5])))
    write("systeminfo-en-utf16be.txt", b"\xfe\xff" + listing([ps5]).encode("utf-16-be"))
    write("systeminfo-en-utf8bom-lf.txt", b"\xef\xbb\xbf" + listing([ps5], "\n").encode("utf-8"))
    write("systeminfo-de.txt", listing([german("HV03", ["KB2779069", "KB2894485", "KB2902014",
                                                        "KB2903938"])]).encode("cp850"))
    write("systeminfo-fr.txt", listing([FRENCH]).encode("cp850"))
    write("systeminfo-es.txt", listing([SPANISH]).encode("cp850"))
    write("systeminfo-it-unseen.txt", listing([ITALIAN]).encode("cp850"))
    write("systeminfo-pl-unseen.txt", listing([POLISH]).encode("cp852"))
    fleet = [
        english("HV06", "Microsoft Windows Server 2012 Datacenter", "6.2.9200 N/A Build 9200",
                ["KB2779069", "File 1", "KB2779069", "KB2894485"]),
        english("hv07", "Microsoft Windows Server 2008 R2 Enterprise ",
                "6.1.7601 Service Pack 1 Build 7601", ["Q147222", "KB976902", "KB2775511"], hyperv=False),
        english("HV10", "Microsoft Hyper-V Server 2012 R2", "6.3.9600 N/A Build 9600", []),
    ]
    write("systeminfo-fleet.txt", listing(fleet).encode("cp437"))
    write("systeminfo-de.csv", csv_rows([german("HV03", ["KB2779069", "KB2903938"]),
                                         german("HV11", ["KB2894485"])]).encode("cp850"))
    write("systeminfo-en-nh.csv", csv_rows([en], header=False).encode("cp437"))
    cut = listing([en]).split("                           [03]: KB2908415")[0]
    write("bad-systeminfo-truncated.txt", cut.encode("cp437"))
    no_hotfix = [field for field in en if field[0] != "Hotfix(s)"]
    write("bad-systeminfo-no-hotfixes.txt", listing([no_hotfix]).encode("cp437"))


def wmic_fixtures() -> None:
    lines = ["", ",".join(["Node", *QFE]), *(",".join([row[1], *row]) for row in WMIC_ROWS)]
    write("wmic-full.csv", utf16("\r\r\n".join(lines) + "\r\r\n"))
    rows16 = [row for row in WMIC_ROWS if row[1] == "HV14"]
    write("wmic-table.txt", utf16("\r\r\n".join(table([QFE, *rows16])) + "\r\r\n"))
    blocks = ["\r\r\n".join(f"{key}={value}" for key, value in zip(QFE, row, strict=True))
              for row in WMIC_ROWS if row[1] == "HV15"]
    write("wmic-list.txt", utf16("\r\r\n\r\r\n" + "\r\r\n\r\r\n\r\r\n".join(blocks) + "\r\r\n\r\r\n"))


def ps5_object(host: str, kb: str, ms: int | None, when: str) -> dict[str, object]:
    relpath = f'Win32_QuickFixEngineering.HotFixID="{kb}",ServicePackInEffect=""'
    return {
        "PSComputerName": host,
        "InstalledOn": {"value": f"/Date({ms})/", "DateTime": when} if ms is not None else None,
        "__GENUS": 2, "__CLASS": "Win32_QuickFixEngineering", "__SUPERCLASS": "CIM_LogicalElement",
        "__DYNASTY": "CIM_ManagedSystemElement", "__RELPATH": relpath, "__PROPERTY_COUNT": 11,
        "__DERIVATION": ["CIM_LogicalElement", "CIM_ManagedSystemElement"], "__SERVER": host,
        "__NAMESPACE": "root\\cimv2", "__PATH": f"\\\\{host}\\root\\cimv2:{relpath}",
        "Caption": f"http://support.microsoft.com/?kbid={kb[2:]}", "CSName": host, "Description": "Hotfix",
        "FixComments": "", "HotFixID": kb, "InstallDate": None, "InstalledBy": "NT AUTHORITY\\SYSTEM",
        "Name": None, "ServicePackInEffect": "", "Status": None,
        "Scope": {"Path": f"\\\\{host}\\root\\cimv2", "Options": "System.Management.ConnectionOptions",
                  "IsConnected": True},
        "Properties": ["System.Management.PropertyData"] * 3, "Site": None, "Container": None,
    }


def ps5_json(value: object) -> bytes:
    text = json.dumps(value, indent=4).replace('"/Date(', '"\\/Date(').replace(')/"', ')\\/"')
    return utf16(text.replace("\n", "\r\n") + "\r\n")


PS5_HEADER = ["PSComputerName", "InstalledOn", "__GENUS", "__CLASS", "__SERVER", "Caption", "CSName",
              "Description", "FixComments", "HotFixID", "InstallDate", "InstalledBy", "Name",
              "ServicePackInEffect", "Status", "Site", "Container"]


def export(rows: list[tuple[str, str, str]], delimiter: str = ",", description: str = "Hotfix") -> str:
    """PowerShell 5 `Get-HotFix | Export-Csv [-UseCulture]` rows: all quoted, CRLF, no #TYPE line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(PS5_HEADER)
    for host, kb, when in rows:
        writer.writerow([host, when, "2", "Win32_QuickFixEngineering", host,
                         f"http://support.microsoft.com/?kbid={kb[2:]}", host, description, "", kb, "",
                         "NT AUTHORITY\\SYSTEM", "", "", "", "", ""])
    return buffer.getvalue()


def powershell_fixtures() -> None:
    # HV19 is in Berlin (UTC+1): local midnight of Dec 11 is 23:00 UTC on Dec 10.
    write("hotfix-ps5.json", ps5_json([
        ps5_object("HV19", "KB2779069", 1386716400000, "Wednesday, December 11, 2013 12:00:00 AM"),
        ps5_object("HV19", "KB2903938", 1387321200000, "Wednesday, December 18, 2013 12:00:00 AM"),
        ps5_object("HV19", "KB2883200", None, ""),
    ]))
    # One hotfix: ConvertTo-Json writes a bare object. HV20 is in California (UTC-8).
    write("hotfix-single.json", ps5_json(ps5_object("HV20", "KB2905412", 1386748800000,
                                                    "Wednesday, December 11, 2013 12:00:00 AM")))
    ps7 = [{"Description": "Update", "HotFixID": kb, "InstalledBy": "NT AUTHORITY\\SYSTEM",
            "InstalledOn": when, "Caption": f"http://support.microsoft.com/?kbid={kb[2:]}",
            "InstallDate": None, "Name": None, "Status": None, "CSName": host, "FixComments": "",
            "ServicePackInEffect": None, "PSComputerName": f"{host.lower()}.contoso.local",
            "CimClass": "root/cimv2:Win32_QuickFixEngineering",
            "CimInstanceProperties": "System.Collections.ObjectModel.KeyedCollection",
            "CimSystemProperties": "Microsoft.Management.Infrastructure.CimSystemProperties"}
           for host, kb, when in (("HV21", "KB2919355", "2014-04-09T00:00:00+02:00"),
                                  ("HV21", "KB2919442", None),
                                  ("HV22", "KB2919355", "2014-04-10T00:00:00+02:00"))]
    write("hotfix-ps7.json", json.dumps(ps7, indent=2).encode("utf-8"))
    write("hotfix-ps5.csv", (PS5_TYPE + "\r\n" + export([
        ("HV23", "KB2779069", "12/11/2013 12:00:00 AM"), ("HV24", "KB2779069", "12/12/2013 12:00:00 AM"),
        ("HV23", "KB2903938", "12/17/2013 12:00:00 AM"), ("HV24", "Q147222", ""),
    ])).encode("ascii"))
    write("hotfix-de-useculture.csv", b"\xef\xbb\xbf" + export([
        ("HV25", "KB2779069", "11.12.2013 00:00:00"), ("HV25", "KB2908415", ""),
    ], ";").encode("utf-8"))
    write("hotfix-en-gb.csv", export([
        ("HV26", "KB2779069", "01/12/2013 00:00:00"), ("HV26", "KB2903938", "17/12/2013 00:00:00"),
    ]).encode("ascii"))
    rows = [["Source", "Description", "HotFixID", "InstalledBy", "InstalledOn"],
            ["HV27", "Hotfix", "KB2779069", "NT AUTHORITY\\SYSTEM", "12/11/2013 12:00:00 AM"],
            ["HV27", "Update", "KB2903938", "CONTOSO\\admin", "12/17/2013 12:00:00 AM"],
            ["HV27", "Update", "KB2883200", "", ""]]
    write("hotfix-table.txt", utf16("\r\n" + "\r\n".join(table(rows, underline=True)) + "\r\n\r\n\r\n"))


def json_fixtures() -> None:
    patches = [{"caption": f"http://support.microsoft.com/?kbid={kb[2:]}", "csname": "HV28",
                "description": "Hotfix", "fix_comments": "", "hotfix_id": kb, "install_date": "",
                "installed_by": "NT AUTHORITY\\SYSTEM", "installed_on": when}
               for kb, when in (("KB2779069", "12/11/2013"), ("KB2903938", ""))]
    write("osquery-patches.json", ("[\n" + ",\n".join("  " + json.dumps(row) for row in patches)
                                   + "\n]\n").encode("utf-8"))
    base = {"name": "pack_kbscan_patches", "hostIdentifier": "hv29.contoso.local", "epoch": 0,
            "counter": 0, "numerics": False}
    log = [
        {**base, "name": "pack_kbscan_os", "calendarTime": "Thu Dec 19 07:00:00 2013 UTC",
         "unixTime": 1387436400, "action": "snapshot", "snapshot": [
             {"name": "Microsoft Windows Server 2012 Datacenter", "version": "6.2.9200", "major": "6",
              "minor": "2", "build": "9200", "platform": "windows"}]},
        {**base, "calendarTime": "Thu Dec 19 07:00:00 2013 UTC", "unixTime": 1387436400,
         "action": "snapshot", "snapshot": [
             {"csname": "HV29", "hotfix_id": "KB2779069", "installed_on": "12/11/2013"},
             {"csname": "HV29", "hotfix_id": "KB2883200", "installed_on": ""}]},
        {**base, "calendarTime": "Thu Dec 19 07:30:00 2013 UTC", "unixTime": "1387438200",
         "action": "added", "columns": {"csname": "HV29", "hotfix_id": "KB2903938",
                                        "installed_on": "12/18/2013"}},
        {**base, "calendarTime": "Thu Dec 19 07:30:00 2013 UTC", "unixTime": "1387438200",
         "action": "removed", "columns": {"csname": "HV29", "hotfix_id": "KB2883200", "installed_on": ""}},
    ]
    write("osquery-results.log", "".join(json.dumps(line) + "\n" for line in log).encode("utf-8"))
    hosts = [
        {"host": "hv30.contoso.local", "os": {"caption": "Microsoft Windows Server 2012 Datacenter",
                                              "version": "6.2.9200"},
         "roles": ["hyper-v", "failover-clustering"], "cluster": "CLU1",
         "collected_at": "2013-12-19T07:30:00Z",
         "updates": [{"kb": "KB2903938", "installed_on": "2013-12-17"},
                     {"kb": "KB2779069", "installed_on": "2013-12-11"}]},
        {"host": "HV31", "os": {"caption": "Microsoft Windows Server 2012 Standard", "version": "6.2.9200"},
         "roles": [], "cluster": None, "collected_at": "2013-12-19T08:30:00+01:00",
         "updates": [{"kb": "2905412", "installed_on": None}]},
    ]
    write("kbscan-list.json", json.dumps(hosts, indent=2).encode("utf-8"))


def bad_fixtures() -> None:
    write("bad-empty.txt", b"")
    write("bad-binary.bin", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4)
    good = (HERE / "hotfix-ps7.json").read_bytes()
    write("bad-truncated.json", good[: len(good) // 2])
    ps5_csv = (HERE / "hotfix-ps5.csv").read_bytes()
    last_row = ps5_csv.rindex(b"\r\n", 0, len(ps5_csv) - 2)
    write("bad-truncated.csv", ps5_csv[: ps5_csv.index(b'","', last_row) + 1])  # row cut after a field
    write("bad-unclosed-quote.csv", ps5_csv.rstrip(b"\r\n")[:-1])
    write("bad-no-kb-column.csv", b'"Source","Description","InstalledOn"\r\n"HV27","Hotfix","12/11/2013"\r\n')
    write("bad-unknown.txt", b"\r\nWindows IP Configuration\r\n\r\n   Host Name . . . . . . : HV01\r\n"
                             b"   Primary Dns Suffix  . : contoso.local\r\n")


PS5_COLUMNS = ["PSComputerName", "InstalledOn", "__GENUS", "__CLASS", "__SUPERCLASS", "__DYNASTY", "__RELPATH",
               "__PROPERTY_COUNT", "__DERIVATION", "__SERVER", "__NAMESPACE", "__PATH", "Caption", "CSName",
               "Description", "FixComments", "HotFixID", "InstallDate", "InstalledBy", "Name",
               "ServicePackInEffect", "Status", "Scope", "Path", "Options", "ClassPath", "Properties",
               "SystemProperties", "Qualifiers", "Site", "Container"]
PS5_TYPE = "#TYPE System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering"


def ps5_hotfix(host: str, kb: str, installed_on: str, description: str = "Update") -> dict[str, str]:
    """Every property PowerShell 5 exports of one Get-HotFix object (Export-Csv, Format-List *)."""
    relpath = f'Win32_QuickFixEngineering.HotFixID="{kb}",ServicePackInEffect=""'
    path = f"\\\\{host}\\root\\cimv2:{relpath}"
    caption = f"http://support.microsoft.com/?kbid={kb[2:]}" if kb.startswith("KB") else ""
    return {"PSComputerName": host, "InstalledOn": installed_on, "__GENUS": "2",
            "__CLASS": "Win32_QuickFixEngineering", "__SUPERCLASS": "CIM_LogicalElement",
            "__DYNASTY": "CIM_ManagedSystemElement", "__RELPATH": relpath, "__PROPERTY_COUNT": "11",
            "__DERIVATION": "System.String[]", "__SERVER": host, "__NAMESPACE": "root\\cimv2", "__PATH": path,
            "Caption": caption, "CSName": host, "Description": description, "FixComments": "", "HotFixID": kb,
            "InstallDate": "", "InstalledBy": "NT AUTHORITY\\SYSTEM" if installed_on else "", "Name": "",
            "ServicePackInEffect": "", "Status": "", "Scope": "System.Management.ManagementScope", "Path": path,
            "Options": "System.Management.ObjectGetOptions",
            "ClassPath": f"\\\\{host}\\root\\cimv2:Win32_QuickFixEngineering",
            "Properties": "System.Management.PropertyDataCollection",
            "SystemProperties": "System.Management.PropertyDataCollection",
            "Qualifiers": "System.Management.QualifierDataCollection", "Site": "", "Container": ""}


def export_csv(rows: list[dict[str, str]], columns: list[str], *, delimiter: str = ",", quote_all: bool = True,
               type_line: str | None = PS5_TYPE) -> str:
    """Export-Csv: an optional #TYPE line, the header, one row per object (PS5 quotes every field; PS7
    `-UseQuotes AsNeeded` only those that need it)."""
    buffer = io.StringIO()
    if type_line:
        buffer.write(type_line + "\r\n")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return buffer.getvalue()


def format_list(rows: list[dict[str, str]], names: list[str], width: int = 120) -> str:
    """Format-List redirected with `>`: two blank lines, then per object its `Name : value` lines (names
    padded to one width, values wrapped at the console width, indented to the value column), blank-separated;
    three blank lines at the end."""
    pad = max(map(len, names)) + 1
    out = [""]
    for row in rows:
        out.append("")
        for name in names:
            text = f"{name:<{pad}}: {row[name]}"
            out.append(text[:width - 1])
            rest = text[width - 1:]
            while rest:
                out.append(" " * (pad + 2) + rest[:width - pad - 3])
                rest = rest[width - pad - 3:]
    return "\r\n".join([*out, "", "", "", ""])


def wmic16(text: str) -> bytes:
    """What `wmic ... > file` writes: UTF-16LE with a BOM, every line ending in CR CR LF."""
    return utf16(text.replace("\n", "\r\r\n"))


def wmic_csv(node: str, rows: list[list[str]]) -> str:
    """`/format:csv` of one node: a blank line, the Node header, one `node,...` line per hotfix."""
    return "\n" + ",".join(["Node", *QFE]) + "\n" + "".join(",".join([node, *row]) + "\n" for row in rows)


def export_fixtures() -> None:
    """Joined files, more Export-Csv variants, `wmic qfe get`, Format-List and bare KB lists."""
    hv50 = [qfe("HV50", "KB2779069", "12/11/2013"), qfe("HV50", "KB2903938", "12/17/2013", "Update")]
    hv51 = [qfe("HV51", "KB2779069", "12/12/2013"), qfe("HV51", "File 1", ""),
            qfe("HV51", "KB2908415", "12/13/2013", "Update")]
    # wmic /node:HV50,HV51 qfe list full /format:csv: csv.xsl starts every node with a blank line + header.
    write("wmic-csv-2nodes.csv", wmic16(wmic_csv("HV50", hv50) + wmic_csv("HV51", hv51) + "\n"))
    # wmic ... > all.csv, then wmic /node:HV52 ... >> all.csv: the second run writes its own BOM too.
    hv52 = [qfe("HV52", "KB2905412", "12/12/2013", "Update")]
    write("wmic-csv-appended.csv", wmic16(wmic_csv("HV50", hv50)) + wmic16(wmic_csv("HV52", hv52)))
    write("wmic-csv-xsl-error.csv", wmic16("Invalid XSL format (or) file name.\n"))
    # wmic qfe get ...: any property subset, printed in wmic's own (alphabetical) order.
    write("wmic-get-hotfixid.txt", wmic16("\n".join(table([["HotFixID"], ["KB2779069"], ["File 1"],
                                                            ["KB2903938"]])) + "\n\n"))
    write("wmic-get-id-on.txt", wmic16("\n".join(table([["HotFixID", "InstalledOn"], ["KB2779069", "12/11/2013"],
                                                         ["KB2905412", ""], ["KB2903938", "12/17/2013"]])) + "\n\n"))
    # wmic qfe get csname,hotfixid,installedon > fleet.txt, then the same with /node:hv53-long.contoso.local >>:
    # a second BOM, the header again, other column widths.
    first = table([["CSName", "HotFixID", "InstalledOn"], ["HV52", "KB2779069", "12/11/2013"],
                   ["HV52", "KB2903938", "12/17/2013"]])
    second = table([["CSName", "HotFixID", "InstalledOn"], ["HV53-LONGNAME", "KB2908415", "12/13/2013"]])
    write("wmic-get-appended.txt", wmic16("\n".join(first) + "\n\n") + wmic16("\n".join(second) + "\n\n"))
    # wmic qfe get HotFixID,InstalledOn /value: two blank lines before every instance.
    values = "".join(f"\n\nHotFixID={kb}\nInstalledOn={on}\n" for kb, on in (("KB2779069", "12/11/2013"),
                                                                              ("KB2908415", "12/13/2013")))
    write("wmic-get-value.txt", wmic16(values + "\n\n"))

    us = "{}/{}/2013 12:00:00 AM".format
    hv54 = [ps5_hotfix("HV54", "KB2779069", us(12, 11)), ps5_hotfix("HV54", "KB2903938", us(12, 17))]
    hv55 = [ps5_hotfix("HV55", "KB2908415", us(12, 13), "Hotfix")]
    # Get-Content HV54.csv, HV55.csv | Set-Content all.csv (PS5 Export-Csv files: ASCII, each with #TYPE).
    write("hotfix-ps5-joined.csv", (export_csv(hv54, PS5_COLUMNS) + export_csv(hv55, PS5_COLUMNS)).encode("ascii"))
    write("hotfix-ps5-joined-notype.csv", (export_csv(hv54, PS5_COLUMNS, type_line=None)
                                           + export_csv(hv55, PS5_COLUMNS, type_line=None)).encode("ascii"))
    # ... joined with an Invoke-Command export, which has two more columns and another type name.
    remote = [dict(ps5_hotfix("HV56", "KB2905412", us(12, 12)), PSComputerName="hv56.contoso.local",
                   PSShowComputerName="True", RunspaceId="5a3e1f5e-3c1b-4a8e-9f1e-1a2b3c4d5e6f")]
    deserialized = "#TYPE Deserialized.System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering"
    write("hotfix-ps5-joined-invoke.csv", (export_csv(hv54, PS5_COLUMNS) + export_csv(
        remote, [*PS5_COLUMNS, "PSShowComputerName", "RunspaceId"], type_line=deserialized)).encode("ascii"))
    write("hotfix-ps5-tab.csv", export_csv(hv55, PS5_COLUMNS, delimiter="\t").encode("ascii"))
    # PS7: Get-HotFix | Select-Object CSName,Description,HotFixID,InstalledBy,InstalledOn |
    #      Export-Csv -UseCulture -UseQuotes AsNeeded (de-DE: `;`, dd.MM.yyyy), UTF-8 without BOM.
    de = [{"CSName": "HV57", "Description": description, "HotFixID": kb, "InstalledBy": "NT-AUTORITÄT\\SYSTEM",
           "InstalledOn": on} for description, kb, on in (("Update", "KB2779069", "11.12.2013 00:00:00"),
                                                          ("Security Update", "KB2903938", "17.12.2013 00:00:00"))]
    write("hotfix-ps7-de-asneeded.csv", export_csv(de, ["CSName", "Description", "HotFixID", "InstalledBy",
                                                        "InstalledOn"], delimiter=";", quote_all=False,
                                                   type_line=None).encode("utf-8"))
    # Get-HotFix | Select-Object HotFixID, InstalledOn > HV58.txt (PS5 table: UTF-16LE, no host column).
    rows = [["HotFixID", "InstalledOn"], ["KB2779069", us(12, 11)], ["KB2883200", ""], ["KB2903938", us(12, 17)]]
    write("hotfix-table-select.txt", utf16("\r\n" + "\r\n".join(table(rows, underline=True, pad=1))
                                           + "\r\n\r\n\r\n"))
    # Get-HotFix -ComputerName HV59,HV60 | Format-List > fleet.txt (PS5: UTF-16LE).
    fl = [{"Source": host, "Description": "Update", "HotFixID": kb, "InstalledBy": "NT AUTHORITY\\SYSTEM",
           "InstalledOn": on} for host, kb, on in (("HV59", "KB2779069", us(12, 11)), ("HV59", "KB2905412", ""),
                                                   ("HV60", "KB2903938", us(12, 17)))]
    write("hotfix-fl.txt", utf16(format_list(fl, ["Source", "Description", "HotFixID", "InstalledBy",
                                                  "InstalledOn"])))
    # Get-HotFix | Format-List * > HV61.txt in an 80-column console: long values wrap.
    star = [dict(ps5_hotfix("hv61.contoso.local", kb, on), Properties="{Caption, CSName, Description, "
                 "FixComments...}") for kb, on in (("KB2779069", us(12, 11)), ("KB2908415", us(12, 13)))]
    write("hotfix-flstar.txt", utf16(format_list(star, PS5_COLUMNS, width=80)))
    # (Get-HotFix).HotFixID > HV62.txt: PS5 UTF-16LE; `File 1` is an update without a KB.
    write("HV62.txt", utf16("KB2779069\r\nFile 1\r\nKB2903938\r\nKB2908415\r\n"))
    # systeminfo /fo csv > HV63.csv and > HV64.csv in PowerShell 5 (UTF-16LE), then copy /b HV63.csv+HV64.csv.
    hv63 = english("HV63", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600 N/A Build 9600",
                   ["KB2779069", "KB2905412"])
    hv64 = english("HV64", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600 N/A Build 9600",
                   ["KB2903938"])
    write("systeminfo-en-copyb.csv", utf16(csv_rows([hv63])) + utf16(csv_rows([hv64])))
    # systeminfo /fo csv | ConvertFrom-Csv | Export-Csv fleet.csv (PS5: a #TYPE line, ASCII).
    parsed = [dict(csv.DictReader(io.StringIO(csv_rows([host]))).__next__()) for host in (hv63, hv64)]
    write("systeminfo-convertfrom.csv", export_csv(parsed, list(parsed[0]),
                                                   type_line="#TYPE System.Management.Automation.PSCustomObject"
                                                   ).encode("ascii"))


def main() -> None:
    systeminfo_fixtures()
    wmic_fixtures()
    powershell_fixtures()
    json_fixtures()
    bad_fixtures()
    export_fixtures()


if __name__ == "__main__":
    main()
