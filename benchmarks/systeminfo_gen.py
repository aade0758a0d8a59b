"""Real-shaped English `systeminfo` outputs for the side-by-side run with WES-NG (wesng_side_by_side.py).

    python benchmarks/systeminfo_gen.py [--out benchmarks/data/wesng-hosts]

One file per host, as `systeminfo > HOST.txt` writes it in an English cmd.exe (ASCII, CRLF; wes.py reads
files as ASCII when the optional chardet module is absent, so no UTF-16 here). Every field systeminfo
prints is present, in its order and column, with the installed hotfix list a host patched up to some
month shows: its latest cumulative update (monthly rollup on 2012 R2), a servicing stack update, a .NET
Framework update and the long-lived baseline KBs of its release (2012 R2's KB2919355 and friends).

The monthly packages, .NET and baseline KB ids are real and in WES-NG's definitions of 2026-06-28.
Servicing stack updates are not security updates and are not in the definitions; their ids are the
real SSUs of those releases where one is named (KB5005112 for 1809, KB5011570 for 1607), so both tools
read them as installed and neither can say anything about them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent


class Host(NamedTuple):
    name: str
    caption: str  # OS Name
    version: str  # OS Version, e.g. 10.0.17763
    installed: str  # Original Install Date
    patched: str  # the month of its newest package, for the reader of the report
    hotfixes: tuple[str, ...]


HOSTS = (
    Host("HV-CL12R2-A", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600", "11/4/2016, 2:41:07 PM",
         "2025-06",
         # Update 1 and its SSU, UCRT, the November 2014 rollup, an SSU, .NET 4.8 (2025-02), June 2025's rollup
         ("KB2919355", "KB2919442", "KB2999226", "KB3000850", "KB5029368", "KB5050185", "KB5061018")),
    Host("HV-CL16-B", "Microsoft Windows Server 2016 Datacenter", "10.0.14393", "2/19/2019, 9:03:55 AM", "2025-12",
         # the 1607 SSU, .NET 4.8 (2025-02), December 2025's cumulative update
         ("KB3192137", "KB5011570", "KB5049614", "KB5071543")),
    Host("HV-CL19-C", "Microsoft Windows Server 2019 Datacenter", "10.0.17763", "6/8/2020, 4:17:21 PM", "2026-04",
         # the last standalone 1809 SSU, .NET 3.5/4.7.2 (2025-02), April 2026's cumulative update
         ("KB5005112", "KB5050182", "KB5082123")),
    Host("HV-CL22-D", "Microsoft Windows Server 2022 Datacenter", "10.0.20348", "3/1/2023, 10:55:40 AM", "2026-06",
         # fully patched to the definitions: June 2026's cumulative update
         ("KB5094128",)),
    Host("WS-LTSC-E", "Microsoft Windows 10 Enterprise LTSC", "10.0.19044", "9/12/2022, 8:30:02 AM", "2025-09",
         # .NET 3.5/4.8 (2025-02), September 2025's cumulative update
         ("KB5050416", "KB5065429")),
    Host("WS-PRO-F", "Microsoft Windows 10 Pro", "10.0.19045", "1/23/2024, 1:12:09 PM", "2026-02",
         # .NET 3.5/4.8 (2025-02), February 2026's cumulative update
         ("KB5050416", "KB5075912")),
)


def render(host: Host) -> str:
    build = host.version.rsplit(".", 1)[1]
    server = "Server" in host.caption
    lines = [
        "",
        f"Host Name:                 {host.name}",
        f"OS Name:                   {host.caption}",
        f"OS Version:                {host.version} N/A Build {build}",
        "OS Manufacturer:           Microsoft Corporation",
        f"OS Configuration:          {'Member Server' if server else 'Member Workstation'}",
        "OS Build Type:             Multiprocessor Free",
        "Registered Owner:          Windows User",
        "Registered Organization:   Contoso Ltd.",
        "Product ID:                00377-60000-00000-AA497",
        f"Original Install Date:     {host.installed}",
        "System Boot Time:          7/14/2026, 3:05:11 AM",
        f"System Manufacturer:       {'Dell Inc.' if server else 'LENOVO'}",
        f"System Model:              {'PowerEdge R740' if server else 'ThinkPad T14 Gen 2i'}",
        "System Type:               x64-based PC",
        "Processor(s):              2 Processor(s) Installed.",
        "                           [01]: Intel64 Family 6 Model 85 Stepping 7 GenuineIntel ~2594 Mhz",
        "                           [02]: Intel64 Family 6 Model 85 Stepping 7 GenuineIntel ~2594 Mhz",
        "BIOS Version:              "
        + ("Dell Inc. 2.12.2, 7/9/2021" if server else "LENOVO N34ET61W (1.61 ), 3/14/2024"),
        "Windows Directory:         C:\\Windows",
        "System Directory:          C:\\Windows\\system32",
        "Boot Device:               \\Device\\HarddiskVolume1",
        "System Locale:             en-us;English (United States)",
        "Input Locale:              en-us;English (United States)",
        "Time Zone:                 (UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        "Total Physical Memory:     392,854 MB",
        "Available Physical Memory: 301,223 MB",
        "Virtual Memory: Max Size:  451,222 MB",
        "Virtual Memory: Available: 355,100 MB",
        "Virtual Memory: In Use:    96,122 MB",
        "Page File Location(s):     C:\\pagefile.sys",
        "Domain:                    contoso.local",
        "Logon Server:              \\\\DC-A",
        f"Hotfix(s):                 {len(host.hotfixes)} Hotfix(s) Installed.",
        *(f"                           [{i:02d}]: {kb}" for i, kb in enumerate(host.hotfixes, 1)),
        "Network Card(s):           1 NIC(s) Installed.",
        "                           [01]: Intel(R) Ethernet Controller X710 for 10GbE SFP+",
        "                                 Connection Name: Ethernet",
        "                                 DHCP Enabled:    No",
        "                                 IP address(es)",
        "                                 [01]: 10.0.0.5",
        "Hyper-V Requirements:      A hypervisor has been detected. "
        "Features required for Hyper-V will not be displayed.",
    ]
    return "\r\n".join(lines) + "\r\n"


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for host in HOSTS:
        path = folder / f"{host.name}.txt"
        path.write_bytes(render(host).encode("ascii"))
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=HERE / "data" / "wesng-hosts")
    args = parser.parse_args()
    for path in write(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
