<#
.SYNOPSIS
    Writes this host's kbscan inventory (OS, roles, cluster, installed hotfixes) as JSON.

.DESCRIPTION
    Output format ("kbscan-json", see docs/inventory-formats.md):
      {"host", "os": {"caption", "version"}, "roles": [...], "cluster", "collected_at",
       "updates": [{"kb", "installed_on"}]}
    Compatible with Windows PowerShell 5.1 (Windows Server 2012 and later; 2008 R2 with WMF 5.1).
    The file is written as UTF-8 without BOM to a temporary file next to the target and then renamed,
    so kbscan never reads half a file (kbscan skips *.partial files).

.PARAMETER OutputPath
    Where to write the JSON. Default: \\share\kbscan\inventory\<COMPUTERNAME>.json

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\kbscan\collect-inventory.ps1

.NOTES
    Deploying: copy the script to every host (or run it from a read-only share) and schedule it daily as
    SYSTEM; the computer account needs write access to the inventory share.

    With schtasks (any version):
      schtasks /Create /TN "kbscan inventory" /RU SYSTEM /SC DAILY /ST 05:30 /F ^
        /TR "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\kbscan\collect-inventory.ps1"

    With the ScheduledTasks module (2012 and later):
      $action  = New-ScheduledTaskAction -Execute 'powershell.exe' `
                   -Argument '-NoProfile -ExecutionPolicy Bypass -File C:\kbscan\collect-inventory.ps1'
      $trigger = New-ScheduledTaskTrigger -Daily -At 05:30
      Register-ScheduledTask -TaskName 'kbscan inventory' -Action $action -Trigger $trigger `
                   -User 'NT AUTHORITY\SYSTEM' -RunLevel Highest -Force

    For a whole cluster or fleet from one admin host:
      Invoke-Command -ComputerName HV01, HV02 -FilePath .\collect-inventory.ps1
#>
[CmdletBinding()]
param(
    [string] $OutputPath = "\\share\kbscan\inventory\$($env:COMPUTERNAME).json"
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

function Get-KbscanRoles {
    # Server Manager exists on Windows Server only; on a client or without the module the roles are
    # unknown: $null becomes JSON null, which kbscan reads as "the inventory does not say".
    if (-not (Get-Command -Name Get-WindowsFeature -ErrorAction SilentlyContinue)) { return $null }
    $map = @{ 'Hyper-V' = 'hyper-v'; 'Failover-Clustering' = 'failover-clustering' }
    $roles = @()
    foreach ($feature in Get-WindowsFeature -Name 'Hyper-V', 'Failover-Clustering') {
        if ($feature.Installed) { $roles += $map[$feature.Name] }
    }
    return ,$roles  # the comma keeps an empty or one-element list a list
}

function Get-KbscanCluster {
    if (-not (Get-Module -ListAvailable -Name FailoverClusters)) { return $null }
    try {
        Import-Module FailoverClusters -ErrorAction Stop
        return (Get-Cluster -ErrorAction Stop).Name
    } catch {
        return $null  # feature installed but the node is not in a cluster (or the service is stopped)
    }
}

function Get-KbscanUpdates {
    $updates = @()
    foreach ($fix in Get-HotFix) {
        if ($fix.HotFixID -notmatch '^KB\d+$') { continue }  # "File 1", "Q147222": not KB ids
        $installedOn = $null
        try {
            # InstalledOn is a ScriptProperty that throws on some malformed registry dates.
            if ($fix.InstalledOn) { $installedOn = $fix.InstalledOn.ToString('yyyy-MM-dd') }
        } catch {
            $installedOn = $null
        }
        $updates += [ordered]@{ kb = $fix.HotFixID.ToUpperInvariant(); installed_on = $installedOn }
    }
    return $updates
}

$os = Get-WmiObject -Class Win32_OperatingSystem
$inventory = [ordered]@{
    host         = $env:COMPUTERNAME
    os           = [ordered]@{
        caption = $os.Caption.Trim()
        version = $os.Version  # e.g. 6.2.9200: major.minor.build
    }
    roles        = Get-KbscanRoles
    cluster      = Get-KbscanCluster
    collected_at = (Get-Date).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
    updates      = @(Get-KbscanUpdates)
}

# -InputObject (not the pipeline) and @(...) around every list keep one-element and empty lists JSON
# arrays in Windows PowerShell 5.1.
$json = ConvertTo-Json -InputObject $inventory -Depth 4

$temporary = "$OutputPath.partial"
$utf8NoBom = New-Object System.Text.UTF8Encoding($false)
[System.IO.File]::WriteAllText($temporary, $json, $utf8NoBom)
if (Test-Path -LiteralPath $OutputPath) {
    # File.Replace is atomic on NTFS and SMB; readers see the old or the new file, never half of one.
    [System.IO.File]::Replace($temporary, $OutputPath, $null)
} else {
    [System.IO.File]::Move($temporary, $OutputPath)
}
Write-Verbose "kbscan inventory written to $OutputPath ($($inventory.updates.Count) updates)"
