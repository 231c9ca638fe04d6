; Inno Setup script for the Windows installer (packaging/README.md has the commands).
; Installs the PyInstaller folder (packaging/organizer.spec, built into dist\organizer) per user,
; with a Start menu entry for the app (organizer-app.exe) and "Open with" for the photo formats of
; packaging/manifest.py MIME_TYPES. Not built or tested on the Linux development machines.
#define AppVersion GetEnv("ORGANIZER_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F0E4C7A-6A53-4E0B-9D5B-0B8B9E0F4A11}
AppName=Organizer
AppVersion={#AppVersion}
AppPublisher=Organizer developers
DefaultDirName={localappdata}\Programs\Organizer
DefaultGroupName=Organizer
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=Organizer-{#AppVersion}-setup
SetupIconFile=..\build\organizer.ico
UninstallDisplayIcon={app}\organizer-app.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\..\dist\organizer\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Organizer"; Filename: "{app}\organizer-app.exe"
Name: "{userdesktop}\Organizer"; Filename: "{app}\organizer-app.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked

[Registry]
; "Open with Organizer" for JPEG, PNG, HEIC/HEIF, TIFF and WebP (manifest.MIME_TYPES).
Root: HKCU; Subkey: "Software\Classes\Organizer.Photo"; ValueType: string; ValueData: "Photo"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Organizer.Photo\shell\open\command"; ValueType: string; ValueData: """{app}\organizer-app.exe"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\.jpg\OpenWithProgids"; ValueType: string; ValueName: "Organizer.Photo"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.jpeg\OpenWithProgids"; ValueType: string; ValueName: "Organizer.Photo"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.png\OpenWithProgids"; ValueType: string; ValueName: "Organizer.Photo"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.heic\OpenWithProgids"; ValueType: string; ValueName: "Organizer.Photo"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.heif\OpenWithProgids"; ValueType: string; ValueName: "Organizer.Photo"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.tif\OpenWithProgids"; ValueType: string; ValueName: "Organizer.Photo"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.tiff\OpenWithProgids"; ValueType: string; ValueName: "Organizer.Photo"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\.webp\OpenWithProgids"; ValueType: string; ValueName: "Organizer.Photo"; ValueData: ""; Flags: uninsdeletevalue

[Run]
Filename: "{app}\organizer-app.exe"; Description: "{cm:LaunchProgram,Organizer}"; Flags: nowait postinstall skipifsilent
