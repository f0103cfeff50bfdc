"""A throwaway PulseAudio server with one null sink, so tests can play real sound and record it.

The daemon refuses to run as root, so as root it runs as `nobody` (like the PostgreSQL test
cluster runs as `postgres`). Clients reach it through `PULSE_SERVER=unix:<dir>/native`
(anonymous auth); `record()` captures the sink's monitor with `parec`, i.e. exactly what a
loudspeaker on that output would have played.
"""

from __future__ import annotations

import array
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SINK = "kiosk_test"
RATE = 22050
OS_USER = "nobody"


class PulseUnavailable(RuntimeError):
    """pulseaudio/parec are missing or the daemon did not start."""


class PulseServer:
    """`pulseaudio -n` with module-null-sink and an anonymous Unix socket in a temp dir."""

    def __init__(self) -> None:
        for program in ("pulseaudio", "parec", "pactl"):
            if shutil.which(program) is None:
                raise PulseUnavailable(
                    f"{program} not found: install the Debian packages pulseaudio and "
                    "pulseaudio-utils (`make system-deps` does)"
                )
        self.as_root = os.geteuid() == 0
        self.dir = Path(tempfile.mkdtemp(prefix="kiosk-pulse-"))
        self.run_dir = self.dir / "run"
        self.run_dir.mkdir(mode=0o700)
        self.socket = self.dir / "native"
        self.log = self.dir / "pulse.log"
        script = self.dir / "null.pa"
        script.write_text(
            f"load-module module-null-sink sink_name={SINK} rate={RATE}\n"
            f"set-default-sink {SINK}\n"
            f"load-module module-native-protocol-unix auth-anonymous=1 socket={self.socket}\n"
        )
        self.dir.chmod(0o755)
        script.chmod(0o644)
        if self.as_root:
            import pwd

            uid = pwd.getpwnam(OS_USER).pw_uid
            for p in (self.dir, self.run_dir, script):
                os.chown(p, uid, -1)
        self.server = f"unix:{self.socket}"
        self._process: subprocess.Popen[bytes] | None = None
        self._script = script

    @property
    def env(self) -> dict[str, str]:
        """Environment for a client of this server (no D-Bus, no autospawn)."""
        env = dict(os.environ)
        env["PULSE_SERVER"] = self.server
        env.pop("PULSE_SINK", None)
        return env

    def start(self) -> PulseServer:
        command = [
            "pulseaudio",
            "-n",
            "-F",
            str(self._script),
            "--exit-idle-time=-1",
            "--daemonize=no",
            "--use-pid-file=no",
            "--disallow-module-loading=yes",
            f"--log-target=file:{self.log}",
        ]
        home = [f"HOME={self.run_dir}", f"XDG_RUNTIME_DIR={self.run_dir}"]
        command = ["env", *home, *command]  # runuser would reset HOME to /nonexistent
        if self.as_root:
            command = ["runuser", "-u", OS_USER, "--", *command]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        self._process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ok = subprocess.run(
                ["pactl", "info"], env=self.env, capture_output=True, timeout=5
            ).returncode
            if ok == 0:
                return self
            if self._process.poll() is not None:
                break
            time.sleep(0.1)
        log = self.log.read_text(errors="replace") if self.log.exists() else ""
        self.stop()
        raise PulseUnavailable(f"pulseaudio did not start:\n{log[-2000:]}")

    def record(self, path: Path) -> subprocess.Popen[bytes]:
        """Start recording the sink's monitor (mono s16le at RATE) into `path`."""
        out = path.open("wb")
        return subprocess.Popen(
            [
                "parec",
                "-d",
                f"{SINK}.monitor",
                f"--rate={RATE}",
                "--channels=1",
                "--format=s16le",
                "--latency-msec=20",
            ],
            env=self.env,
            stdout=out,
        )

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def recorded_s(path: Path) -> float:
    """Seconds of sound `record()` has written to `path` so far."""
    return path.stat().st_size / 2 / RATE if path.exists() else 0.0


def wait_recording(path: Path, timeout_s: float = 10.0) -> None:
    """Wait until `record()` writes samples (the null sink's monitor never stops), or fail."""
    deadline = time.monotonic() + timeout_s
    while recorded_s(path) == 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"parec wrote nothing to {path} in {timeout_s:.0f} s")
        time.sleep(0.02)


def record_until_heard(path: Path, length_s: float, timeout_s: float = 30.0) -> None:
    """Wait until the recording holds a sound and `length_s` (+ 0.5 s) recorded since it began.

    Gives up after `timeout_s`: the caller's check of the loud spans then says what is missing.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        loud = loud_spans(path.read_bytes())
        if loud and recorded_s(path) >= loud[0] + length_s + 0.5:
            return
        time.sleep(0.1)


def loud_spans(raw: bytes, *, window_s: float = 0.02, threshold: int = 300) -> list[float]:
    """Start times (s) of the 20 ms windows of a mono s16le recording whose peak > threshold."""
    samples = array.array("h")
    samples.frombytes(raw[: len(raw) // 2 * 2])
    step = max(1, round(RATE * window_s))
    starts = []
    for i in range(0, len(samples), step):
        chunk = samples[i : i + step]
        if chunk and max(max(chunk), -min(chunk)) > threshold:
            starts.append(i / RATE)
    return starts
