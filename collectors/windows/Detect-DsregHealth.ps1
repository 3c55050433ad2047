<#
.SYNOPSIS
  Intune detection script: checks in with the dsreg-doctor fleet server and tells Intune whether
  this device's hybrid join and PRT are healthy.

.DESCRIPTION
  Runs Invoke-DsregCheckin.ps1 (beside this file) without jitter, prints one line of at most 2,048
  characters (what Intune keeps of a detection script's output) and exits 1 when the server's
  diagnosis is FAILED, so that a remediation can run; 0 otherwise. Set the server and the token
  below, or in the environment (DSREG_DOCTOR_SERVER, DSREG_DOCTOR_INGEST_TOKEN).
#>
$Server = if ($env:DSREG_DOCTOR_SERVER) { $env:DSREG_DOCTOR_SERVER } else { 'https://fleet.corp.example' }
$Token = $env:DSREG_DOCTOR_INGEST_TOKEN

try {
  $answer = & (Join-Path $PSScriptRoot 'Invoke-DsregCheckin.ps1') -Server $Server -Token $Token `
    -MaxJitterSeconds 0 -Retries 3 -PassThru
  $list = if ($answer.PSObject.Properties['checkins']) { $answer.checkins } else { @($answer) }
  $failed = @($list | Where-Object { $_.verdict -eq 'failed' })
  $parts = foreach ($a in $list) {
    $phase = if ($a.phase) { " ($($a.phase))" } else { '' }
    "$($a.verdict.ToUpper())$phase $($a.device)"
  }
  $line = "dsreg-doctor: " + ($parts -join '; ')
  if ($line.Length -gt 2048) { $line = $line.Substring(0, 2045) + '...' }
  Write-Output $line
  if ($failed.Count -gt 0) { exit 1 } else { exit 0 }
} catch {
  $line = "dsreg-doctor: no verdict: $($_.Exception.Message)" -replace '\s+', ' '
  if ($line.Length -gt 2048) { $line = $line.Substring(0, 2045) + '...' }
  Write-Output $line
  # No verdict is not a failing device: Intune should not remediate on a network hiccup.
  exit 0
}
