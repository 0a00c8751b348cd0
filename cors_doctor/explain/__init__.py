"""`explain`: what a pasted browser console error means, the fix, and the check that reproduces it.

explain(text, origin=None, method=None) -> ExplainResult
framework_fix(explanation, framework) -> FixSuggestion | None
closest_messages(text) -> the known messages nearest to an unrecognised line
"""

from __future__ import annotations

from cors_doctor.explain.recognise import (
    ExplainResult,
    Explanation,
    Unrecognised,
    closest_messages,
    explain,
    framework_fix,
)

__all__ = ["ExplainResult", "Explanation", "Unrecognised", "closest_messages", "explain", "framework_fix"]
