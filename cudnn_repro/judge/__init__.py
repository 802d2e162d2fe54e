"""Every judgment, as data: the article's claims, the statistics, the prediction of article-size
times, each claim's verdict on a run set and its outcome across run sets. Reads results only."""
