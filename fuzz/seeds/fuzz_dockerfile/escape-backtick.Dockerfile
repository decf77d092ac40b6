# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Invoke-WebRequest https://example.com/a.zip -OutFile a.zip | Out-Null ; `
    Expand-Archive a.zip -DestinationPath C:\app
WORKDIR C:\app
COPY app.ps1 C:\app\
USER ContainerUser
HEALTHCHECK NONE
