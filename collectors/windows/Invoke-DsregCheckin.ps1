<#
.SYNOPSIS
  Posts this device's `dsregcmd /status` and its recent device-registration events to a
  dsreg-doctor fleet server, and prints the server's verdict.

.DESCRIPTION
  Runs `dsregcmd /status`, reads the last 50 events of the User Device Registration Admin log and
  of Microsoft-Windows-AAD/Operational with `wevtutil qe ... /f:xml`, and posts them as one JSON
  check-in (gzip) to POST /api/v1/checkins with the ingest token. Waits a random time first
  (-MaxJitterSeconds) so that a fleet started by one schedule does not arrive at once, and retries
  when the server sheds load (429 or 503), waiting as its Retry-After header says.

  Run it as SYSTEM for the join state (an Intune remediation, a scheduled task, ConfigMgr), and in
  the signed-in user's session for the Primary Refresh Token: dsregcmd shows the PRT only to the
  user who holds it.

.EXAMPLE
  .\Invoke-DsregCheckin.ps1 -Server https://fleet.corp.example -Token $env:DSREG_DOCTOR_INGEST_TOKEN
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory = $true)] [string] $Server,
  [string] $Token = $env:DSREG_DOCTOR_INGEST_TOKEN,
  [ValidateRange(0, 3600)] [int] $MaxJitterSeconds = 300,
  [ValidateRange(0, 20)] [int] $Retries = 5,
  [ValidateRange(1, 1000)] [int] $Events = 50,
  # Return the server's answer as an object instead of printing it (the Intune detection uses this).
  [switch] $PassThru
)

Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'
if (-not $Token) { throw 'No ingest token: pass -Token or set DSREG_DOCTOR_INGEST_TOKEN.' }

# TLS 1.2 for Windows PowerShell 5.1, whose default may be older.
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

function Get-Events([string] $Channel) {
  # wevtutil prints the events one after the other, newest first, without a root element.
  $xml = & wevtutil.exe qe $Channel /c:$Events /rd:true /f:xml 2>$null
  if ($LASTEXITCODE -ne 0 -or -not $xml) { return $null }
  return ($xml -join "`n")
}

$identity = [Security.Principal.WindowsIdentity]::GetCurrent()
$context = if ($identity.IsSystem) { 'system' } else { 'user' }
$status = (& dsregcmd.exe /status) -join "`r`n"

$events = @()
foreach ($channel in 'Microsoft-Windows-User Device Registration/Admin', 'Microsoft-Windows-AAD/Operational') {
  $xml = Get-Events $channel
  if ($xml) { $events += [ordered]@{ name = $channel; xml = $xml } }
}

$checkin = [ordered]@{
  device      = [ordered]@{ name = $env:COMPUTERNAME; domain = $env:USERDOMAIN }
  collectedAt = (Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
  context     = $context
  captures    = @([ordered]@{ name = "dsregcmd-status-$context.txt"; text = $status })
  events      = $events
}
$json = ConvertTo-Json -InputObject $checkin -Depth 5 -Compress

# gzip the UTF-8 body.
$plain = [Text.Encoding]::UTF8.GetBytes($json)
$buffer = New-Object IO.MemoryStream
$gzip = New-Object IO.Compression.GZipStream($buffer, [IO.Compression.CompressionMode]::Compress)
$gzip.Write($plain, 0, $plain.Length)
$gzip.Close()
$body = $buffer.ToArray()

if ($MaxJitterSeconds -gt 0) { Start-Sleep -Seconds (Get-Random -Minimum 0 -Maximum ($MaxJitterSeconds + 1)) }

$uri = ($Server.TrimEnd('/')) + '/api/v1/checkins'
$headers = @{ Authorization = "Bearer $Token"; 'Content-Encoding' = 'gzip' }
for ($attempt = 0; ; $attempt++) {
  try {
    $answer = Invoke-RestMethod -Uri $uri -Method Post -Headers $headers -ContentType 'application/json' `
      -Body $body -UseBasicParsing -TimeoutSec 60
    break
  } catch {
    $response = $_.Exception.Response
    $code = if ($response) { [int]$response.StatusCode } else { 0 }
    if (($code -eq 429 -or $code -eq 503 -or $code -eq 0) -and $attempt -lt $Retries) {
      $wait = 0
      if ($response) {
        # Windows PowerShell: HttpWebResponse.Headers; PowerShell 7: HttpResponseMessage.Headers.RetryAfter.
        $after = if ($response.Headers -is [Net.WebHeaderCollection]) { $response.Headers['Retry-After'] }
                 elseif ($response.Headers.RetryAfter) { $response.Headers.RetryAfter.Delta.TotalSeconds }
        [int]::TryParse([string]$after, [ref]$wait) | Out-Null
      }
      if ($wait -le 0) { $wait = [Math]::Min(300, [Math]::Pow(2, $attempt + 1)) + (Get-Random -Maximum 5) }
      Start-Sleep -Seconds ([Math]::Min($wait, 600))
      continue
    }
    throw "dsreg-doctor check-in to $uri failed: $($_.Exception.Message)"
  }
}

if ($PassThru) { return $answer }
$list = if ($answer.PSObject.Properties['checkins']) { $answer.checkins } else { @($answer) }
foreach ($a in $list) {
  $phase = if ($a.phase) { " in the $($a.phase) phase" } else { '' }
  Write-Output "dsreg-doctor: $($a.device): $($a.verdict)$phase (check-in $($a.id))"
}
