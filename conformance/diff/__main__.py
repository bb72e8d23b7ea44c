"""`python -m conformance.diff OLD NEW ...`"""

from conformance.diff.command import main

main()
