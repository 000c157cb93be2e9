"""Make the test helpers in tests/ importable (compare_golden, renderers, strategies)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
