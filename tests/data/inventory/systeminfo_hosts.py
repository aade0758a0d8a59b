"""Readable content of the systeminfo fixtures: each host is a list of (label, value, indented lines).

make_fixtures.py renders these as systeminfo's list output (labels padded to one column) and as its
CSV output, then encodes them the way the real tool writes them.
"""

from __future__ import annotations

Field = tuple[str, str, list[str]]

CPU_45 = "Intel64 Family 6 Model 45 Stepping 7 GenuineIntel ~2000 Mhz"
CPU_62 = "Intel64 Family 6 Model 62 Stepping 4 GenuineIntel ~2600 Mhz"


def numbered(items: list[str]) -> list[str]:
    return [f"[{index:02d}]: {item}" for index, item in enumerate(items, 1)]


def nic(name: str, details: list[str], ips: list[str]) -> list[str]:
    """A network card entry: `[01]: name`, its details and its nested `[01]: ip` lines."""
    return [f"[01]: {name}", *(f"      {line}" for line in details),
            *(f"      {line}" for line in numbered(ips))]


def english(host: str, caption: str, version: str, hotfixes: list[str], *,
            hyperv: bool = True, ip: str = "10.0.0.5") -> list[Field]:
    fields: list[Field] = [
        ("Host Name", host, []),
        ("OS Name", caption, []),
        ("OS Version", version, []),
        ("OS Manufacturer", "Microsoft Corporation", []),
        ("OS Configuration", "Member Server", []),
        ("OS Build Type", "Multiprocessor Free", []),
        ("Registered Owner", "Windows User", []),
        ("Registered Organization", "Contoso", []),
        ("Product ID", "00184-70000-00000-AA406", []),
        ("Original Install Date", "3/14/2013, 10:12:45 AM", []),
        ("System Boot Time", "12/15/2013, 3:02:11 AM", []),
        ("System Manufacturer", "HP", []),
        ("System Model", "ProLiant DL380p Gen8", []),
        ("System Type", "x64-based PC", []),
        ("Processor(s)", "2 Processor(s) Installed.", numbered([CPU_45, CPU_45])),
        ("BIOS Version", "HP P70, 2/25/2013", []),
        ("Windows Directory", "C:\\Windows", []),
        ("System Directory", "C:\\Windows\\system32", []),
        ("Boot Device", "\\Device\\HarddiskVolume1", []),
        ("System Locale", "en-us;English (United States)", []),
        ("Input Locale", "en-us;English (United States)", []),
        ("Time Zone", "(UTC-08:00) Pacific Time (US & Canada)", []),
        ("Total Physical Memory", "131,037 MB", []),
        ("Available Physical Memory", "98,512 MB", []),
        ("Virtual Memory: Max Size", "150,493 MB", []),
        ("Virtual Memory: Available", "115,002 MB", []),
        ("Virtual Memory: In Use", "35,491 MB", []),
        ("Page File Location(s)", "C:\\pagefile.sys", []),
        ("Domain", "contoso.local", []),
        ("Logon Server", "\\\\DC01", []),
        ("Hotfix(s)", f"{len(hotfixes)} Hotfix(s) Installed.", numbered(hotfixes)),
        ("Network Card(s)", "2 NIC(s) Installed.", [
            *nic("HP Ethernet 1Gb 4-port 331FLR Adapter",
                 ["Connection Name: Ethernet", "DHCP Enabled:    No", "IP address(es)"],
                 [ip, "fe80::8d4c:2e1a:4f1b:9c21"]),
            *[line.replace("[01]: Microsoft", "[02]: Microsoft") for line in nic(
                "Microsoft Failover Cluster Virtual Adapter",
                ["Connection Name: Local Area Connection* 11", "DHCP Enabled:    No", "IP address(es)"],
                ["169.254.2.95"])],
        ]),
    ]
    if hyperv:
        fields.append(("Hyper-V Requirements", "A hypervisor has been detected. Features required for "
                       "Hyper-V will not be displayed.", []))
    return fields


def german(host: str, hotfixes: list[str]) -> list[Field]:
    return [
        ("Hostname", host, []),
        ("Betriebssystemname", "Microsoft Windows Server 2012 Datacenter", []),
        ("Betriebssystemversion", "6.2.9200 Nicht zutreffend Build 9200", []),
        ("Betriebssystemhersteller", "Microsoft Corporation", []),
        ("Betriebssystemkonfiguration", "Mitgliedsserver", []),
        ("Betriebssystem-Buildtyp", "Multiprocessor Free", []),
        ("Registrierter Benutzer", "Windows-Benutzer", []),
        ("Registrierte Organisation", "Contoso", []),
        ("Produkt-ID", "00184-70000-00000-AA406", []),
        ("Ursprüngliches Installationsdatum", "14.03.2013, 10:12:45", []),
        ("Systemstartzeit", "15.12.2013, 03:02:11", []),
        ("Systemhersteller", "HP", []),
        ("Systemmodell", "ProLiant DL380p Gen8", []),
        ("Systemtyp", "x64-based PC", []),
        ("Prozessor(en)", "2 Prozessor(en) installiert.", numbered([CPU_45, CPU_45])),
        ("BIOS-Version", "HP P70, 25.02.2013", []),
        ("Windows-Verzeichnis", "C:\\Windows", []),
        ("System-Verzeichnis", "C:\\Windows\\system32", []),
        ("Startgerät", "\\Device\\HarddiskVolume1", []),
        ("Systemgebietsschema", "de;Deutsch (Deutschland)", []),
        ("Eingabegebietsschema", "de;Deutsch (Deutschland)", []),
        ("Zeitzone", "(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien", []),
        ("Gesamter physischer Speicher", "131.037 MB", []),
        ("Verfügbarer physischer Speicher", "98.512 MB", []),
        ("Virtueller Arbeitsspeicher: Maximale Größe", "150.493 MB", []),
        ("Virtueller Arbeitsspeicher: Verfügbar", "115.002 MB", []),
        ("Virtueller Arbeitsspeicher: Zurzeit verwendet", "35.491 MB", []),
        ("Auslagerungsdateipfad(e)", "C:\\pagefile.sys", []),
        ("Domäne", "contoso.local", []),
        ("Anmeldeserver", "\\\\DC01", []),
        ("Hotfix(es)", f"{len(hotfixes)} Hotfix(e) installiert.", numbered(hotfixes)),
        ("Netzwerkkarte(n)", "1 Netzwerkadapter installiert.", nic(
            "Intel(R) Ethernet Server Adapter I350-T4",
            ["Verbindungsname: Ethernet", "DHCP aktiviert:  Nein", "IP-Adresse(n)"],
            ["10.0.0.7", "fe80::5d2:93b7:1c0e:4a11"])),
        ("Anforderungen für Hyper-V", "Es wurde ein Hypervisor erkannt. Features, die für Hyper-V "
         "erforderlich sind, werden nicht angezeigt.", []),
    ]


NBSP = "\u00a0"  # French systeminfo groups thousands with a no-break space

FRENCH: list[Field] = [
    ("Nom de l'hôte", "HV04", []),
    ("Nom du système d'exploitation", "Microsoft Windows Server 2008 R2 Enterprise ", []),
    ("Version du système", "6.1.7601 Service Pack 1 version 7601", []),
    ("Fabricant du système d'exploitation", "Microsoft Corporation", []),
    ("Configuration du système d'exploitation", "Serveur membre", []),
    ("Type de version du système d'exploitation", "Multiprocessor Free", []),
    ("Propriétaire enregistré", "Utilisateur Windows", []),
    ("Organisation enregistrée", "", []),
    ("Identificateur de produit", "00486-001-0001076-84532", []),
    ("Date d'installation originale", "14/03/2013, 10:12:45", []),
    ("Heure de démarrage du système", "15/12/2013, 03:02:11", []),
    ("Fabricant du système", "Dell Inc.", []),
    ("Modèle du système", "PowerEdge R720", []),
    ("Type du système", "x64-based PC", []),
    ("Processeur(s)", "1 processeur(s) installé(s).", numbered([CPU_45])),
    ("Version du BIOS", "Dell Inc. 2.0.19, 20/08/2013", []),
    ("Répertoire Windows", "C:\\Windows", []),
    ("Répertoire système", "C:\\Windows\\system32", []),
    ("Périphérique d'amorçage", "\\Device\\HarddiskVolume1", []),
    ("Option régionale du système", "fr;Français (France)", []),
    ("Paramètres régionaux d'entrée", "fr;Français (France)", []),
    ("Fuseau horaire", "(UTC+01:00) Bruxelles, Copenhague, Madrid, Paris", []),
    ("Mémoire physique totale", f"65{NBSP}501 Mo", []),
    ("Mémoire physique disponible", f"41{NBSP}250 Mo", []),
    ("Mémoire virtuelle : taille maximale", f"131{NBSP}001 Mo", []),
    ("Mémoire virtuelle : disponible", f"104{NBSP}880 Mo", []),
    ("Mémoire virtuelle : en cours d'utilisation", f"26{NBSP}121 Mo", []),
    ("Emplacement(s) des fichiers d'échange", "C:\\pagefile.sys", []),
    ("Domaine", "contoso.local", []),
    ("Serveur d'ouverture de session", "\\\\DC02", []),
    ("Correctif(s)", "3 Correctif(s) installé(s).", numbered(["KB2779069", "KB2905412", "KB976902"])),
    ("Carte(s) réseau", "1 carte(s) réseau installée(s).", nic(
        "Broadcom BCM5720 NetXtreme Gigabit Ethernet",
        ["Nom de la connexion : Connexion au réseau local", "DHCP activé :         Non", "Adresse(s) IP"],
        ["10.0.1.4"])),
]

SPANISH: list[Field] = [
    ("Nombre de host", "HV05", []),
    ("Nombre del sistema operativo", "Microsoft Windows Server 2012 Standard", []),
    ("Versión del sistema operativo", "6.2.9200 N/D compilación 9200", []),
    ("Fabricante del sistema operativo", "Microsoft Corporation", []),
    ("Configuración del sistema operativo", "Servidor miembro", []),
    ("Tipo de compilación del sistema operativo", "Multiprocessor Free", []),
    ("Propiedad de", "Usuario de Windows", []),
    ("Organización registrada", "Contoso", []),
    ("Id. del producto", "00184-70000-00000-AA406", []),
    ("Fecha de instalación original", "14/03/2013, 10:12:45", []),
    ("Tiempo de arranque del sistema", "15/12/2013, 3:02:11", []),
    ("Fabricante del sistema", "HP", []),
    ("Modelo el sistema", "ProLiant DL360p Gen8", []),
    ("Tipo de sistema", "x64-based PC", []),
    ("Procesador(es)", "1 Procesadores instalados.", numbered([CPU_62])),
    ("Versión del BIOS", "HP P71, 08/08/2013", []),
    ("Directorio de Windows", "C:\\Windows", []),
    ("Directorio de sistema", "C:\\Windows\\system32", []),
    ("Dispositivo de arranque", "\\Device\\HarddiskVolume1", []),
    ("Configuración regional del sistema", "es;Español (España, internacional)", []),
    ("Idioma de entrada", "es;Español (España, internacional)", []),
    ("Zona horaria", "(UTC+01:00) Bruselas, Copenhague, Madrid, París", []),
    ("Cantidad total de memoria física", "65.501 MB", []),
    ("Memoria física disponible", "41.250 MB", []),
    ("Memoria virtual: tamaño máximo", "131.001 MB", []),
    ("Memoria virtual: disponible", "104.880 MB", []),
    ("Memoria virtual: en uso", "26.121 MB", []),
    ("Ubicación(es) de archivo de paginación", "C:\\pagefile.sys", []),
    ("Dominio", "contoso.local", []),
    ("Servidor de inicio de sesión", "\\\\DC01", []),
    ("Revisión(es)", "2 revisión(es) instaladas.", numbered(["KB2779069", "KB2898774"])),
    ("Tarjeta(s) de red", "1 Tarjetas de interfaz de red instaladas.", nic(
        "Intel(R) 82574L Gigabit Network Connection",
        ["Nombre de conexión: Ethernet", "DHCP habilitado:    No", "Direcciones IP"], ["10.0.2.9"])),
    ("Requisitos de Hyper-V", "Se detectó un hipervisor. No se mostrarán las características "
     "necesarias para Hyper-V.", []),
]

# Not in languages.LANGUAGES: these prove the fallbacks (first field, Microsoft caption, N.N.NNNN, KB list).
ITALIAN: list[Field] = [
    ("Nome host", "HV08", []),
    ("Nome SO", "Microsoft Windows Server 2012 R2 Datacenter", []),
    ("Versione SO", "6.3.9600 N/D build 9600", []),
    ("Produttore SO", "Microsoft Corporation", []),
    ("Configurazione SO", "Server membro", []),
    ("Proprietario registrato", "Utente Windows", []),
    ("Data di installazione originale", "14/03/2014, 10:12:45", []),
    ("Processore(i)", "1 processore(i) installato(i).", numbered([CPU_62])),
    ("Versione BIOS", "HP P70, 08/08/2013", []),
    ("Impostazioni locali sistema", "it;Italiano (Italia)", []),
    ("Fuso orario", "(UTC+01:00) Amsterdam, Berlino, Berna, Roma, Stoccolma, Vienna", []),
    ("Memoria virtuale: dimensione massima", "131.001 MB", []),
    ("Dominio", "contoso.local", []),
    ("Aggiornamenti rapidi", "3 aggiornamenti rapidi installati.",
     numbered(["KB2919355", "KB2919442", "KB2999226"])),
    ("Schede di rete", "1 schede di interfaccia di rete installate.", nic(
        "Intel(R) Ethernet 10G 2P X520 Adapter",
        ["Nome connessione: Ethernet", "DHCP abilitato:   No", "Indirizzi IP"], ["10.0.3.3"])),
    ("Requisiti Hyper-V", "Hypervisor rilevato. Le funzionalità necessarie per Hyper-V non "
     "verranno visualizzate.", []),
]

POLISH: list[Field] = [
    ("Nazwa hosta", "HV09", []),
    ("Nazwa systemu operacyjnego", "Microsoft Windows Server 2012 R2 Standard", []),
    ("Wersja systemu operacyjnego", "6.3.9600 Nie dotyczy Kompilacja 9600", []),
    ("Producent systemu operacyjnego", "Microsoft Corporation", []),
    ("Konfiguracja systemu operacyjnego", "Serwer członkowski", []),
    ("Zarejestrowany właściciel", "Użytkownik systemu Windows", []),
    ("Procesory", "Zainstalowane procesory: 1.", numbered([CPU_62])),
    ("Wersja systemu BIOS", "HP P70, 2013-08-08", []),
    ("Urządzenie rozruchowe", "\\Device\\HarddiskVolume1", []),
    ("Ustawienia regionalne systemu", "pl;Polski", []),
    ("Całkowita ilość pamięci fizycznej", "65 501 MB", []),
    ("Pamięć wirtualna: maksymalny rozmiar", "131 001 MB", []),
    ("Domena", "contoso.local", []),
    ("Poprawki", "Zainstalowane poprawki: 2.", numbered(["KB2919355", "KB3000850"])),
    ("Karty sieciowe", "Zainstalowane karty sieciowe: 1.", nic(
        "Intel(R) Ethernet 10G 2P X520 Adapter",
        ["Nazwa połączenia: Ethernet", "DHCP włączone:    Nie", "Adresy IP"], ["10.0.4.2"])),
    ("Wymagania funkcji Hyper-V", "Wykryto funkcję hypervisor. Funkcje wymagane dla funkcji Hyper-V "
     "nie będą wyświetlane.", []),
]
