"""Screenshots of the public pages in headless Chromium (Debian's `chromium` package).

`make screenshots` runs this: a throwaway SQLite database with the demo data (`load_demo`),
the development server on a free port, then one PNG per page at 1280 px and 390 px wide in
artifacts/screenshots/ (ignored by git).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "artifacts" / "screenshots"
WIDTHS = {"desktop": (1280, 2000), "phone": (390, 2600)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill_database():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)


def page_urls() -> dict[str, str]:
    from registry.models import Ceremony, Nomination

    award = (
        Nomination.objects.public()
        .select_related("edition__program", "category", "nominee")
        .filter(presentation__isnull=False)
        .order_by("edition__year", "id")
        .first()
    ) or Nomination.objects.public().select_related("edition__program", "category", "nominee").first()
    ceremony = Ceremony.objects.public().select_related("edition").order_by("date").first()
    return {
        "home": "/",
        "edition": award.edition.get_absolute_url(),
        "award": award.get_absolute_url(),
        "awards-filtered": "/awards/?q=interpol&year_min=2000&country=MX",
        "awards-error": "/awards/?year=99999999&country=XX",
        "recipient": award.nominee.get_absolute_url(),
        "ceremony": ceremony.get_absolute_url() if ceremony else "/ceremonies/",
        "programme": award.edition.program.get_absolute_url(),
        "not-found": "/recipients/nobody-at-all/",
    }


def main():
    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("Install Debian's chromium first: apt-get install -y chromium")
    workdir = Path(tempfile.mkdtemp(prefix="awards-screens-"))
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "awards_site.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    fill_database()
    urls = page_urls()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        OUT.mkdir(parents=True, exist_ok=True)
        for name, path in urls.items():
            for device, (width, height) in WIDTHS.items():
                target = OUT / f"{name}-{device}.png"
                subprocess.run(
                    [
                        chromium,
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--hide-scrollbars",
                        f"--window-size={width},{height}",
                        f"--screenshot={target}",
                        base + path,
                    ],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=60,
                )
                print(f"{target.relative_to(ROOT)}  {path}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
