"""Synthetic fleets and catalogues for benchmarks: real formats and encodings, realistic sizes.

Hosts are written round-robin in the formats admins have (systeminfo in four languages as UTF-16LE
or cp850, wmic CSV as UTF-16LE, Get-HotFix CSV and JSON, osquery JSON, kbscan collector JSON), each
with 150-300 installed KBs. The catalogue grows the embedded one to M entries with supersedence
chains (depth 2-5) and rollups that include 5-20 fixes. A fixed seed makes every run identical.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from scanner.catalogue import Catalogue
from scanner.config import HostGroup
from scanner.embedded import load_embedded
from scanner.models import CatalogueEntry, Kind

PRODUCTS = (("ws2012", "Microsoft Windows Server 2012 Datacenter", "6.2.9200"),
            ("ws2012r2", "Microsoft Windows Server 2012 R2 Datacenter", "6.3.9600"),
            ("ws2008r2", "Microsoft Windows Server 2008 R2 Enterprise", "6.1.7601"))
ROLE_SETS = (("hyper-v", "failover-clustering"), ("hyper-v",), ("failover-clustering",), ())
# Formats without OS or roles get them from [[hosts]] groups, as a real config would give them:
# the product follows the host number's last digit, the roles its second-to-last digit.
DIGIT_PRODUCT = "0001112222"
DIGIT_ROLES = "0000111223"
HOST_GROUPS = (
    *(HostGroup(f"HV*[{''.join(d for d in '0123456789' if DIGIT_PRODUCT[int(d)] == str(p))}]", os=product)
      for p, (product, _, _) in enumerate(PRODUCTS)),
    *(HostGroup(f"HV*[{''.join(d for d in '0123456789' if DIGIT_ROLES[int(d)] == str(r))}]?", roles=roles)
      for r, roles in enumerate(ROLE_SETS)),
)

SYSTEMINFO_LABELS = {
    "en": ("Host Name", "OS Name", "OS Version", "{v} N/A Build {b}", "System Locale", "en-us;English (United States)",
           "Hotfix(s)", "{n} Hotfix(s) Installed.", "utf-16"),
    "de": ("Hostname", "Betriebssystemname", "Betriebssystemversion", "{v} Nicht zutreffend Build {b}",
           "Systemgebietsschema", "de;Deutsch (Deutschland)", "Hotfix(es)", "{n} Hotfix(e) installiert.", "cp850"),
    "fr": ("Nom de l'hôte", "Nom du système d'exploitation", "Version du système", "{v} N/A version {b}",
           "Option régionale du système", "fr;Français (France)", "Correctif(s)", "{n} Correctif(s) installé(s).",
           "cp850"),
    "es": ("Nombre de host", "Nombre del sistema operativo", "Versión del sistema operativo",
           "{v} N/D Compilación {b}", "Configuración regional del sistema", "es;Español (internacional)",
           "Revisión(es)", "{n} revisión(es) instaladas.", "utf-16"),
}
FORMATS = ("systeminfo-en", "systeminfo-de", "systeminfo-fr", "systeminfo-es", "wmic", "hotfix-csv",
           "hotfix-json", "osquery", "kbscan-json")


def grow_catalogue(size: int, seed: int = 7) -> Catalogue:
    """The embedded catalogue plus generated entries up to `size`, with chains and rollups."""
    rng = random.Random(seed)
    entries = list(load_embedded()[0])
    next_kb = 3_000_000
    while len(entries) < size:
        product = rng.choice(PRODUCTS)[0]
        roles = rng.choice(ROLE_SETS)
        chain = []
        for depth in range(rng.randint(1, 5)):
            kb = f"KB{next_kb}"
            next_kb += 1
            chain.append(CatalogueEntry(kb, f"Generated fix {kb}", products=(product,), roles=roles,
                                        supersedes=(chain[-1].kb,) if depth else (), sources=("bench",)))
        entries += chain
        if rng.random() < 0.1 and len(entries) + 1 < size:
            members = rng.sample(entries[-min(len(entries), 60):], k=min(len(entries), rng.randint(5, 20)))
            kb = f"KB{next_kb}"
            next_kb += 1
            released = date(2013, 1, 8) + timedelta(days=rng.randint(0, 360))
            rollup = CatalogueEntry(kb, f"Generated update rollup {kb}", kind=Kind.UPDATE_ROLLUP, released=released,
                                    products=(product,), sources=("bench",))
            entries.append(rollup)
            names = {m.kb for m in members}
            entries = [CatalogueEntry(e.kb, e.title, e.kind, e.released, e.products, e.roles, e.supersedes,
                                      (*e.included_in, kb), e.standalone, e.download, e.sources)
                       if e.kb in names and not e.included_in else e for e in entries]
    return Catalogue(entries[:size])


@dataclass(frozen=True)
class Host:
    name: str
    product: str
    caption: str
    version: str
    roles: tuple[str, ...]
    kbs: tuple[str, ...]


def hosts(count: int, catalogue: Catalogue, seed: int = 11) -> list[Host]:
    rng = random.Random(seed)
    result = []
    for index in range(count):
        product, caption, version = PRODUCTS[int(DIGIT_PRODUCT[index % 10])]
        pool = [e.kb for e in catalogue.for_product(product)]
        wanted = rng.randint(150, 300)
        chosen = set(rng.sample(pool, k=min(len(pool), wanted * 2 // 3)))
        while len(chosen) < wanted:
            chosen.add(f"KB{rng.randint(2_000_000, 2_999_999)}")
        result.append(Host(f"HV{index:05d}", product, caption, version, ROLE_SETS[int(DIGIT_ROLES[index // 10 % 10])],
                           tuple(sorted(chosen))))
    return result


def _us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def render(host: Host, fmt: str, rng: random.Random) -> tuple[str, bytes]:
    days = [date(2013, 1, 1) + timedelta(days=rng.randint(0, 360)) for _ in host.kbs]
    build = host.version.rsplit(".", 1)[1]
    if fmt.startswith("systeminfo"):
        lang = fmt.split("-")[1]
        name_l, os_l, ver_l, ver_fmt, loc_l, loc_v, hf_l, hf_count, encoding = SYSTEMINFO_LABELS[lang]
        width = 27 if lang == "en" else 45
        lines = [f"{name_l + ':':<{width}}{host.name}", f"{os_l + ':':<{width}}{host.caption}",
                 f"{ver_l + ':':<{width}}{ver_fmt.format(v=host.version, b=build)}",
                 f"{'Processor(s):':<{width}}1 Processor(s) Installed.",
                 f"{'':<{width}}[01]: Intel64 Family 6 Model 45 Stepping 7 GenuineIntel ~2000 Mhz",
                 f"{loc_l + ':':<{width}}{loc_v}", f"{hf_l + ':':<{width}}{hf_count.format(n=len(host.kbs))}"]
        lines += [f"{'':<{width}}[{i:02d}]: {kb}" for i, kb in enumerate(host.kbs, 1)]
        lines += [f"{'Network Card(s):':<{width}}1 NIC(s) Installed.", f"{'':<{width}}[01]: Intel(R) 82576",
                  f"{'':<{width}}      [01]: 10.0.0.5"]
        text = "\r\n".join(["", *lines, ""])
        data = b"\xff\xfe" + text.encode("utf-16-le") if encoding == "utf-16" else text.encode(encoding)
        return f"{host.name}.txt", data
    if fmt == "wmic":
        rows = ["", "Node,Caption,CSName,Description,FixComments,HotFixID,InstallDate,InstalledBy,InstalledOn,Name,"
                "ServicePackInEffect,Status"]
        rows += [f"{host.name},http://support.microsoft.com/?kbid={kb[2:]},{host.name},Update,,{kb},,"
                 f"NT AUTHORITY\\SYSTEM,{_us(day)},,," for kb, day in zip(host.kbs, days, strict=True)]
        return f"{host.name}-qfe.csv", b"\xff\xfe" + "\r\n".join([*rows, ""]).encode("utf-16-le")
    if fmt == "hotfix-csv":
        rows = ['#TYPE System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering',
                '"PSComputerName","InstalledOn","Description","HotFixID","InstalledBy","CSName"']
        rows += [f'"{host.name}","{_us(day)} 12:00:00 AM","Update","{kb}","NT AUTHORITY\\SYSTEM","{host.name}"'
                 for kb, day in zip(host.kbs, days, strict=True)]
        return f"{host.name}-hotfix.csv", ("\r\n".join([*rows, ""])).encode("utf-8-sig")
    if fmt == "hotfix-json":
        items = [{"PSComputerName": host.name, "InstalledOn": {"value": f"/Date({int(_ms(day))})/",
                                                               "DateTime": day.strftime("%A, %B %d, %Y 12:00:00 AM")},
                  "Description": "Update", "HotFixID": kb, "InstalledBy": "NT AUTHORITY\\SYSTEM", "CSName": host.name}
                 for kb, day in zip(host.kbs, days, strict=True)]
        return f"{host.name}-hotfix.json", b"\xff\xfe" + json.dumps(items, indent=4).encode("utf-16-le")
    if fmt == "osquery":
        items = [{"caption": f"http://support.microsoft.com/?kbid={kb[2:]}", "csname": host.name,
                  "description": "Update", "fix_comments": "", "hotfix_id": kb, "install_date": "",
                  "installed_by": "NT AUTHORITY\\SYSTEM", "installed_on": _us(day)}
                 for kb, day in zip(host.kbs, days, strict=True)]
        return f"{host.name}-osquery.json", json.dumps(items).encode("utf-8")
    doc = {"host": host.name, "os": {"caption": host.caption, "version": host.version}, "roles": list(host.roles),
           "cluster": f"CLU{int(host.name[2:]) // 4}", "collected_at": "2013-12-19T07:30:00Z",
           "updates": [{"kb": kb, "installed_on": day.isoformat()} for kb, day in zip(host.kbs, days, strict=True)]}
    return f"{host.name}.json", json.dumps(doc).encode("utf-8")


def _ms(day: date) -> float:
    return (day - date(1970, 1, 1)).total_seconds() * 1000


def write_fleet(folder: Path, fleet: list[Host], seed: int = 13) -> int:
    """Write every host in a rotating format; returns the bytes written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for index, host in enumerate(fleet):
        name, data = render(host, FORMATS[index % len(FORMATS)], rng)
        (folder / name).write_bytes(data)
        total += len(data)
    return total
