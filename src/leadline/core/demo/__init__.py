"""The demo account: everything a newcomer needs to try each interface, built
idempotently, with secrets derived from SECRET_KEY so every run prints the same ones."""

from leadline.core.demo.builder import DemoContext, build_demo

__all__ = ["DemoContext", "build_demo"]
