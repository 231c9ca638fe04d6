# Build the Windows installer (PowerShell, from the repository root, Python 3.11 x64 and
# Inno Setup 6 installed):   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Not run on the Linux development machines: see packaging/README.md.
$ErrorActionPreference = "Stop"
python -m venv build\win-venv
build\win-venv\Scripts\pip install "pyinstaller==6.22.3" .
build\win-venv\Scripts\python packaging\render_icon.py 512
build\win-venv\Scripts\python -c "from PIL import Image; Image.open('packaging/build/organizer-512.png').save('packaging/build/organizer.ico', sizes=[(16,16),(32,32),(48,48),(256,256)])"
build\win-venv\Scripts\pyinstaller --noconfirm packaging\organizer.spec
$env:ORGANIZER_VERSION = (build\win-venv\Scripts\python -c "import runpy; print(runpy.run_path('packaging/manifest.py')['version']())")
& "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" packaging\windows\organizer.iss
