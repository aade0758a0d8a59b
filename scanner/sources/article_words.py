"""What KB articles and posts call their parts, in the languages kbscan reads (data, no logic).

Each tuple holds one pattern a language; English first. Support articles are translated word for word, so
the same label marks the same part in every language: "Applies to" / "Gilt für" / "S'applique à" /
"Se aplica a" / "対象". A language is added by adding its words here.
"""

from __future__ import annotations

import re


def _any(*patterns: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


# Section labels, matched against a whole heading or label (a trailing colon allowed).
APPLIES_TO = _any(r"applies\s+to", r"gilt\s+für|betrifft", r"s['’]applique\s+(?:à|aux)", r"se\s+aplica\s+a|aplica\s+a",
                  r"対象(?:製品)?|適用対象")
REPLACEMENT = _any(r"(?:hotfix|update|package)?\s*replacement\s+information|replacement",
                   r"ersatz|ersetzungsinformationen", r"remplacement", r"reemplazo|sustitución", r"置き換え")
PREREQUISITES = _any(r"prerequisites?|requirements?", r"voraussetzungen?", r"prérequis|conditions?\s+préalables?",
                     r"requisitos(?:\s+previos)?", r"前提条件|必要条件")
# A section of a package article whose lists and tables name what the package contains.
CONTENTS = _any(r"\bfix(?:es|ed)?\b|\bresolv\w*|\bresolution|\binclud\w*|\bcontain\w*|\bimprovements?\b",
                r"behoben|behebt|enthält|enthalten|verbesserungen|korrekturen", r"résol\w*|corrig\w*|inclu\w*|contient",
                r"resuel\w*|corrig\w*|inclu\w*|contiene|mejoras", r"修正|解決|含まれ")
NOT_CONTENTS = _any(r"prerequisite|requirement|replace|supersede|known\s+issue|related|see\s+also|restart|before\s+you",
                    r"voraussetzung|ersetz|ersatz|bekannte\s+probleme|siehe\s+auch|neustart",
                    r"prérequis|préalable|remplac|problèmes\s+connus|voir\s+aussi|redémarrage",
                    r"requisito|reemplaz|problemas\s+conocidos|vea\s+también|reinicio",
                    r"前提|置き換え|既知の問題|関連|再起動")

# "Article ID: 2779069", the number a translated or moved article keeps ("Original KB number: 2908415").
ARTICLE_ID = _any(r"\barticle\s+id|\boriginal\s+kb\s+(?:number|#)", r"artikel-?id|ursprüngliche\s+kb-?nummer",
                  r"numéro\s+d['’]article|id\s+de\s+l['’]article|"
                  r"numéro\s+de\s+la\s+base\s+de\s+connaissances\s+d['’]origine",
                  r"id\.?\s+de\s+artículo|id\s+del\s+artículo|número\s+de\s+kb\s+original",
                  r"文書番号|元の\s*kb\s*番号")
ARTICLE_ID_NUMBER = re.compile(rf"(?:{ARTICLE_ID.pattern})\s*[:：]?\s*(?:KB\s?)?(\d{{6,7}})\b", re.IGNORECASE)
META_KB = re.compile(r"^(?:ms\.kb|ms\.article|awa-kb_?id|kbid)", re.IGNORECASE)

# Sentence cues. A statement that another update must be installed first is a prerequisite, never
# "this one is included in that one".
PREREQUISITE = _any(r"\bprerequisite|\bbefore\s+(?:you\s+)?(?:install|apply|deploy)|\bfirst\s+install|"
                    r"\binstall\w*\b[^.;]{0,120}\bfirst\b|\bto\s+(?:apply|install|use)\s+this\s+(?:hotfix|update|fix|package)|"
                    r"\brequire[sd]?\b|\bmust\s+(?:already\s+)?have\b|\bdepends?\s+on\b",
                    r"voraussetzung|zuerst|vorher\s+installier|zuvor\s+installier", r"prérequis|préalable|d['’]abord",
                    r"requisito|primero|previamente", r"前提|事前に|先に")
# "This problem occurs after you install update rollup 2903938": what causes an issue, not what fixes it.
CAUSE = _any(r"\b(?:after|when|once)\s+(?:you\s+)?(?:install|apply|deploy)\w*\b|\bcaused\s+by\b",
             r"\bnachdem\s+sie\b[^.]{0,80}\binstallier", r"\baprès\s+(?:avoir\s+)?install",
             r"\bdespués\s+de\s+instalar")
CAUSE_FIXED = _any(r"\bresolv\w*|\bfix(?:es|ed)?\b|\bcorrect\w*", r"behoben|behebt", r"résol\w*|corrig\w*",
                   r"resuel\w*|corrig\w*")
REPLACE_VERB = _any(r"\breplace[sd]?\b|\bsupersede[sd]?\b", r"\bersetz(?:t|en)\b", r"\bremplacen?t?\b",
                    r"\breemplaza(?:n)?\b|\bsustituye(?:n)?\b", r"置き換え")
# Looked for just around a replace verb ("does not replace", "ersetzt keinen", "ne remplace aucun").
NEGATION = _any(r"\bnot\b|n['’]t\b|\bno\b|\bnever\b", r"\bkein\w*|\bnicht\b", r"\bne\b|\bn['’]|\baucun",
                r"\bno\b|\bningún|\bninguna", r"ません|ない")
# "This update includes update 2869923 and update 2908415": the article's own KB contains them.
INCLUDES = _any(r"\b(?:this|the)\s+(?:update(?:\s+rollup)?|hotfix|fix|package|rollup|cumulative\s+update|"
                r"service\s+pack)\s+(?:also\s+)?(?:includes|contains|incorporates)\b",
                r"\b(?:dieses|dieser|das)\s+(?:update(?:rollup)?|hotfix|paket|updaterollup)\s+(?:\w+\s+)?"
                r"(?:enthält|umfasst|beinhaltet)\b",
                r"\b(?:cette|ce)\s+(?:mise\s+à\s+jour|correctif(?:\s+cumulatif)?|package)\s+(?:\w+\s+)?"
                r"(?:inclut|comprend|contient)\b",
                r"\b(?:esta|este)\s+(?:actualización|revisión|paquete)\s+(?:\w+\s+)?(?:incluye|contiene)\b")
CLAUSE_END = _any(r"\b(?:but|except|however|unless)\b", r"\b(?:aber|außer|jedoch)\b", r"\b(?:mais|sauf)\b",
                  r"\b(?:pero|excepto|salvo)\b")

# Titles of packages: an article whose tables and lists name what the package contains.
PACKAGE_TITLE = _any(r"\bupdate\s+rollup\b|\brollup\s+update\b|\b(?:convenience|monthly|quality)\s+rollup\b|"
                     r"\bcumulative\s+update\b|\bservice\s+pack\b|\bupdate\s*:\s*(?:january|february|march|april|may|"
                     r"june|july|august|september|october|november|december)\s+\d{4}\b",
                     r"updaterollup|update-rollup|kumulatives\s+update",
                     r"correctif\s+cumulatif|mise\s+à\s+jour\s+cumulative|ensemble\s+de\s+mises\s+à\s+jour",
                     r"paquete\s+acumulativo|actualización\s+acumulativa",
                     r"ロールアップ|累積的な更新プログラム|サービス\s*パック")
# "... after you install update rollup 2903938": a hotfix article that names a package, not a package.
NAMES_A_PACKAGE = re.compile(r"\b(?:install\w*|after|apply\w*|with|in)\s+(?:the\s+)?(?:\w+\s+){0,3}?"
                             r"(?:update\s+rollup|cumulative\s+update|service\s+pack)\b|"
                             r"(?:update\s+rollup|cumulative\s+update)\s+(?:KB\s?)?\d{6,7}\b", re.IGNORECASE)
LOCAL_ROLLUP = _any(r"updaterollup|update-rollup", r"correctif\s+cumulatif|ensemble\s+de\s+mises\s+à\s+jour",
                    r"paquete\s+acumulativo", r"ロールアップ")
LOCAL_CUMULATIVE = _any(r"kumulatives\s+update", r"mise\s+à\s+jour\s+cumulative", r"actualización\s+acumulativa",
                        r"累積的な更新プログラム")

# Dates. A release label states the release; a review or change date says when the article was last
# edited (rollup articles are revised for months) and is a release date only where the rules allow.
DATE = (r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\.?\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}|"
        r"\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\.\d{1,2}\.\d{4})")
RELEASE_LABEL = re.compile(r"\b(?:Release\s+[Dd]ate|Date\s+[Rr]eleased|(?:First\s+)?[Pp]ublished(?:\s+on)?|Released)"
                           rf"\s*:\s*({DATE})|\b(?:Release\s+[Dd]ate|Published)\s+({DATE})|"
                           rf"\b(?:Veröffentlicht(?:\s+am)?|Erscheinungsdatum|Date\s+de\s+publication|Publié\s+le|"
                           rf"Fecha\s+de\s+publicación|Publicado(?:\s+el)?|公開日|リリース日)\s*[:：]?\s*({DATE})")
RELEASED_ON = re.compile(rf"\b(?:is|was)\s+(?:first\s+)?released\s+on\s+({DATE})", re.IGNORECASE)
REVIEW_LABEL = re.compile(r"\b(?:Last\s+[Rr]eview(?:ed)?|Last\s+[Uu]pdated?|Last\s+[Mm]odified|Geändert\s+am|"
                          r"Letzte\s+Überprüfung|Dernière\s+mise\s+à\s+jour|Última\s+revisión|最終更新日)"
                          rf"\s*[:：]?\s*({DATE})")
