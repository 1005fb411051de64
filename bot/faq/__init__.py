"""FAQ answering: text analysis (jieba, bigrams, pinyin), BM25 matching, evaluation, relaying staff answers."""
