"""A progress bar for long runs (tqdm on stderr): input bytes read with ETA, articles, chars/s."""
from __future__ import annotations

import os
import sys
import time
from typing import IO, Optional


class Progress:
    """Told by the runner what it read; draws one bar. Messages go above the bar, not through it."""

    def __init__(self, stream: Optional[IO[str]] = None, min_interval: float = 0.5):
        self.stream = stream or sys.stderr
        self.bar = None
        self.articles = 0
        self.chars = 0
        self.t0 = time.perf_counter()
        self.min_interval = min_interval
        self._shown = 0.0

    def start(self, total_bytes: int) -> None:
        from tqdm import tqdm

        self.t0 = time.perf_counter()
        try:
            size = os.get_terminal_size(self.stream.fileno())
        except (AttributeError, OSError, ValueError):
            size = os.terminal_size((0, 0))
        # a terminal that tells no size (a bare pseudo-terminal) would hide the bar: give it one
        sized = {"dynamic_ncols": True} if size.columns and size.lines else {"ncols": 100, "nrows": 24}
        self.bar = tqdm(total=total_bytes or None, unit="B", unit_scale=True, unit_divisor=1024, desc="extract",
                        file=self.stream, mininterval=self.min_interval, **sized,
                        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}] {postfix}")

    def read(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def article(self, chars: int) -> None:
        self.articles += 1
        self.chars += chars
        now = time.perf_counter()
        if self.bar is not None and now - self._shown >= self.min_interval:
            self._shown = now
            self.bar.set_postfix_str(self.postfix(now), refresh=False)

    def postfix(self, now: Optional[float] = None) -> str:
        seconds = max((now or time.perf_counter()) - self.t0, 1e-9)
        return f"{self.articles:,} articles, {self.chars / seconds:,.0f} chars/s"

    def write(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(self.postfix(), refresh=False)
            self.bar.close()
            self.bar = None
