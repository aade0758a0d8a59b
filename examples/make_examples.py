"""Writes the example fleet in examples/inventory/ as the real tools write it (run from the repo root).

The scenario is the December 2013 one from DESIGN.md, meant to be scanned `--at 2013-12-20`:
HV01 compliant (rollup fix deferred), HV02 noncompliant (KB2908415 missing, cluster CLU1 differs),
HV05 exempt from KB2779069, HYPERV-LAB unknown (no OS in a Get-HotFix CSV), CL08-01 a 2008 R2
cluster node, and one truncated file that becomes an error entry.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).parent / "inventory"
SEED = ["KB2779069", "KB2905412", "KB2908415", "KB2902014", "KB2894485"]


def collector(host: str, caption: str, version: str, roles: list[str], cluster: str | None,
              kbs: list[str]) -> bytes:
    doc = {"host": host, "os": {"caption": caption, "version": version}, "roles": roles,
           "cluster": cluster, "collected_at": "2013-12-19T07:30:00Z",
           "updates": [{"kb": kb, "installed_on": "2013-12-12"} for kb in kbs]}
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


def systeminfo(host: str, kbs: list[str]) -> bytes:
    hotfixes = "\r\n".join(f"                           [{i:02d}]: {kb}" for i, kb in enumerate(kbs, 1))
    text = f"""\r
Host Name:                 {host}\r
OS Name:                   Microsoft Windows Server 2012 Datacenter\r
OS Version:                6.2.9200 N/A Build 9200\r
OS Manufacturer:           Microsoft Corporation\r
OS Configuration:          Member Server\r
OS Build Type:             Multiprocessor Free\r
Registered Owner:          Windows User\r
Registered Organization:   \r
Product ID:                00184-70000-00000-AA442\r
Original Install Date:     10/3/2013, 2:14:05 PM\r
System Boot Time:          12/12/2013, 11:02:41 PM\r
System Manufacturer:       HP\r
System Model:              ProLiant DL380 G6\r
System Type:               x64-based PC\r
Processor(s):              2 Processor(s) Installed.\r
                           [01]: Intel64 Family 6 Model 26 Stepping 5 GenuineIntel ~2267 Mhz\r
                           [02]: Intel64 Family 6 Model 26 Stepping 5 GenuineIntel ~2267 Mhz\r
BIOS Version:              HP P62, 8/16/2013\r
Windows Directory:         C:\\Windows\r
System Directory:          C:\\Windows\\system32\r
Boot Device:               \\Device\\HarddiskVolume1\r
System Locale:             en-us;English (United States)\r
Input Locale:              en-us;English (United States)\r
Time Zone:                 (UTC) Dublin, Edinburgh, Lisbon, London\r
Total Physical Memory:     98,291 MB\r
Available Physical Memory: 61,022 MB\r
Virtual Memory: Max Size:  110,579 MB\r
Virtual Memory: Available: 72,468 MB\r
Virtual Memory: In Use:    38,111 MB\r
Page File Location(s):     C:\\pagefile.sys\r
Domain:                    contoso.local\r
Logon Server:              \\\\DC01\r
Hotfix(s):                 {len(kbs)} Hotfix(s) Installed.\r
{hotfixes}\r
Network Card(s):           2 NIC(s) Installed.\r
                           [01]: HP NC382i DualPort Multifunction Gigabit Server Adapter\r
                                 Connection Name: Management\r
                                 DHCP Enabled:    No\r
                                 IP address(es)\r
                                 [01]: 10.0.0.12\r
                           [02]: Microsoft Network Adapter Multiplexor Driver\r
                                 Connection Name: Team1\r
                                 DHCP Enabled:    No\r
                                 IP address(es)\r
                                 [01]: 10.0.1.12\r
Hyper-V Requirements:      A hypervisor has been detected. Features required for Hyper-V will not be displayed.\r
"""
    return b"\xff\xfe" + text.encode("utf-16-le")


def hotfix_csv(host: str, kbs: list[str]) -> bytes:
    lines = ['#TYPE System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering',
             '"PSComputerName","InstalledOn","__GENUS","__CLASS","Description","HotFixID","InstalledBy","CSName"']
    lines += [f'"{host}","12/12/2013 12:00:00 AM","2","Win32_QuickFixEngineering","Hotfix","{kb}",'
              f'"CONTOSO\\admin","{host}"' for kb in kbs]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    files = {
        "HV01.json": collector("HV01", "Microsoft Windows Server 2012 Datacenter", "6.2.9200",
                               ["hyper-v", "failover-clustering"], "CLU1", SEED),
        "HV02-systeminfo.txt": systeminfo("HV02", [kb for kb in SEED if kb != "KB2908415"] + ["KB2903938"]),
        "HV05.json": collector("HV05", "Microsoft Windows Server 2012 Standard", "6.2.9200",
                               ["hyper-v", "failover-clustering"], "CLU2", SEED[1:]),
        "HYPERV-LAB-hotfixes.csv": hotfix_csv("HYPERV-LAB", SEED),
        "CL08-01.json": collector("CL08-01", "Microsoft Windows Server 2008 R2 Enterprise",
                                  "6.1.7601", ["failover-clustering"], "CLU08", ["KB2779069", "KB2905412"]),
        "HV03-broken.json": collector("HV03", "Microsoft Windows Server 2012 Datacenter", "6.2.9200",
                                      ["hyper-v"], "CLU1", SEED)[:150],
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)


if __name__ == "__main__":
    main()
