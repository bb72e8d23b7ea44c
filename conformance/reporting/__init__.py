"""What a run leaves behind: summary.json and summary.md, the Allure results and HTML, progress on
the console, the counts and budgets, shard merges and the evidence behind a proposed overlay."""
