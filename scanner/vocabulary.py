"""The one word table: kinds, month names, role words, section labels and sentence cues in every language
kbscan reads. The update-list table parser, the KB article and blog parsers, the XML lists and the date
reader all look words up here, so a word means the same thing wherever a page uses it.

Each tuple holds one pattern a language, English first, then German, French, Spanish, Japanese.
Support articles and lists are translated word for word, so the same label marks the same part in every
language ("Applies to" / "Gilt für" / "S'applique à" / "Se aplica a" / "対象"). A language is added by
adding its words here; tests/sources/test_vocabulary.py checks that every reader agrees on them.
"""

from __future__ import annotations

import re

from scanner.models import Kind


def _any(*patterns: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns if p), flags)


# --- Month names (the date reader, list titles "update rollup: December 2013", release labels) ---------
MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"),
    "de": ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
}
# Abbreviations as pages and tools write them ("Dec 10, 2013", "10. Dez. 2014", "déc. 2014", "dic 2014").
_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                  "oct": 10, "nov": 11, "dec": 12, "jän": 1, "mär": 3, "mrz": 3, "okt": 10, "dez": 12,
                  "janv": 1, "févr": 2, "avr": 4, "juil": 7, "déc": 12, "ene": 1, "abr": 4, "ago": 8, "dic": 12}
MONTHS: dict[str, int] = {**_ABBREVIATIONS, **{name: index + 1 for names in MONTH_NAMES.values()
                                              for index, name in enumerate(names)}}
# A month name in running text, longest first ("septiembre" before "sept").
MONTH_WORD = "(?:" + "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True)) + ")"


def month_number(word: str) -> int | None:
    """1-12 for a month name or abbreviation in any language above ("Dezember", "déc.", "Sept"), else None."""
    return MONTHS.get(word.strip().rstrip(".").lower())


# --- Kinds -----------------------------------------------------------------------------------------------
# In the order they are tried: the first that a title names is its kind. "Ensemble de mises à jour" is a
# rollup and "累積更新" a cumulative update wherever they appear.
KIND_WORDS: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    (Kind.UPDATE_ROLLUP, (r"\bupdate\s+rollup\b|\brollup\s+update\b|\b(?:monthly|convenience|quality)\s+rollup\b|"
                          r"\bsecurity\s+(?:monthly\s+)?(?:quality\s+)?rollup\b",
                          r"updaterollup|update-rollup|rollup-update",
                          r"correctif\s+cumulatif|ensemble\s+de\s+mises\s+à\s+jour|cumul\s+de\s+mises\s+à\s+jour",
                          r"paquete\s+acumulativo|paquete\s+de\s+actualizaciones",
                          r"更新プログラムのロールアップ|ロールアップ")),
    (Kind.CUMULATIVE_UPDATE, (r"\bcumulative\s+update\b", r"kumulatives\s+update",
                              r"mise\s+à\s+jour\s+cumulative", r"actualización\s+acumulativa",
                              r"累積的な更新プログラム|累積更新")),
    (Kind.SECURITY_UPDATE, (r"\bsecurity\s+update\b|\bMS\d{2}-\d{3}\b", r"sicherheitsupdate",
                            r"mise\s+à\s+jour\s+de\s+sécurité", r"actualización\s+de\s+seguridad",
                            r"セキュリティ更新プログラム")),
    (Kind.SERVICE_PACK, (r"\bservice\s+pack\b", "", "", "", r"サービス\s*パック")),
    (Kind.HOTFIX, (r"\bhotfix\b", "", "", "", "")),
    (Kind.UPDATE, (r"^\s*(?:an?\s+)?update\b|\bupdate\s+(?:is\s+available|for|that)\b|\bupdate\s*:", "",
                   r"^\s*(?:une\s+)?mise\s+à\s+jour\s+(?:est\s+)?(?:disponible|qui|pour)\b",
                   r"^\s*(?:una\s+)?actualización\s+(?:está\s+)?(?:disponible|que|para)\b",
                   r"更新プログラムを利用できます")),
)
KIND_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = tuple((kind, _any(*words)) for kind, words in KIND_WORDS)
# What every kind word contains, lower case: a title with none of them names no kind (a cheap `in` test).
KIND_STEMS = ("update", "rollup", "hotfix", "service pack", "ms", "umulati", "sicherheit", "sécurité", "seguridad",
              "mise à jour", "mises à jour", "actualizaci", "paquete", "ロールアップ", "累積", "セキュリティ",
              "サービス", "利用できます")
# A package is a rollup, cumulative update or service pack: its article lists what it contains.
PACKAGE_KINDS = (Kind.UPDATE_ROLLUP, Kind.CUMULATIVE_UPDATE, Kind.SERVICE_PACK)
# A kind a list cell states about its own row: "Update rollup.", "A cumulative update that includes ...",
# "This security update rollup includes ...", "(Monthly Rollup)" after a title. Not "The update rollup
# ...", which may be another update: a kind read wrongly as a rollup would defer the row.
KIND_STATEMENT = re.compile(r"^\s*(?:(?:an?|this)\s+)?(?:security\s+)?(?:monthly\s+)?(?:(?:update\s+)?rollup|"
                            r"cumulative\s+update|service\s+pack)(?:\s+package)?\b(?!\s+(?:KB\s?)?\d)|"
                            r"\((?:security\s+)?(?:monthly|quality|convenience)\s+rollup\)", re.IGNORECASE)

# --- Roles -----------------------------------------------------------------------------------------------
ROLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("hyper-v", (r"\bhyper-?v\b|\bvirtual\s+machines?\b|\bVMs?\b", r"\bvirtuellen?\s+computer\b",
                 r"\bmachines?\s+virtuelles?\b", r"\bmáquinas?\s+virtuales?\b", r"仮想マシン")),
    ("failover-clustering", (r"\bcluster(?:ed|s|ing)?\b|\bfailover\b|\bCSVs?\b|\bcluster\s+shared\s+volumes?\b",
                             r"\bfailovercluster\w*|\bclusterknoten\b", r"\bcluster\s+de\s+basculement\b",
                             r"\bclúster(?:es)?\b", r"クラスター")),
)
ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((role, _any(*words)) for role, words in ROLE_WORDS)

# --- Update-list tables ----------------------------------------------------------------------------------
# Column meanings, in precedence order: the first that matches a header names its column, so "Why we
# recommend this hotfix" is a reason, not a hotfix; "Date added" is not a release date; "Article title"
# is a title; and "Update" or "Hotfix" (kb_weak) is the KB column only when no header says KB/article.
COLUMN_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "wu": {"en": ("windows update", "installed by"), "de": ("über windows update",),
           "fr": ("via windows update",), "ja": ("windows update で",)},
    "why": {"en": ("why", "reason*", "recommendation*"), "de": ("warum", "grund", "begründung"),
            "fr": ("pourquoi", "raison"), "es": ("por qué", "motivo"), "ja": ("理由",)},
    "superseded_by": {"en": ("superseded by", "replaced by", "replacement"), "de": ("ersetzt durch",),
                      "fr": ("remplacé par", "remplacée par"), "es": ("reemplazad* por",), "ja": ("置き換え先",)},
    "supersedes": {"en": ("supersedes", "replaces"), "de": ("ersetzt",), "fr": ("remplace",), "es": ("reemplaza",)},
    "includes": {"en": ("includes", "contains"), "de": ("enthält",), "fr": ("inclut", "contient"),
                 "es": ("incluye",)},
    "notes": {"en": ("comment*", "note", "notes", "remark*"),
              "de": ("kommentar*", "hinweis*", "anmerkung*", "bemerkung*"),
              "fr": ("commentaire*", "remarque*"), "es": ("comentario*", "notas"), "ja": ("備考", "コメント", "注意")},
    "kind": {"en": ("type", "kind", "category", "update type", "fix type"), "de": ("typ", "art"),
             "fr": ("type",), "es": ("tipo",), "ja": ("種類",)},
    "fix_for": {"en": ("fix for", "applies to", "product*", "operating system*", "os", "platform*"),
                "de": ("gilt für", "produkt*", "betriebssystem*"),
                "fr": ("s applique à", "produit*", "système d exploitation"), "es": ("se aplica a", "producto*"),
                "ja": ("適用対象", "対象製品")},
    "added": {"en": ("added", "date added", "added on"), "de": ("hinzugefügt*",), "fr": ("ajout*", "ajouté*"),
              "es": ("agregad*", "añadid*", "incorporación"), "ja": ("追加",)},
    "updated": {"en": ("updated", "last updated", "modified", "last modified", "changed", "revised"),
                "de": ("aktualisiert", "geändert*"), "fr": ("mis à jour", "dernière mise à jour", "modifié*"),
                "es": ("actualizad*", "modificad*"), "ja": ("更新日",)},
    "released": {"en": ("date", "released", "release*", "published", "publish date"),
                 "de": ("datum", "veröffentlich*"), "fr": ("date", "publication", "publié*"),
                 "es": ("fecha", "publicación", "publicad*"), "ja": ("リリース日", "公開日", "発行日", "日付")},
    "title": {"en": ("title", "description", "summary", "issue", "symptom*", "name", "subject"),
              "de": ("titel", "beschreibung", "zusammenfassung", "problem"),
              "fr": ("titre", "description", "résumé", "problème"), "es": ("título", "descripción", "resumen"),
              "ja": ("タイトル", "件名", "説明", "概要")},
    "kb": {"en": ("kb", "article", "knowledge base", "knowledgebase", "update id", "hotfix id", "article id"),
           "de": ("artikel*", "knowledge base"), "fr": ("base de connaissances", "article"),
           "es": ("artículo",), "ja": ("サポート技術情報", "技術情報", "文書番号")},
    "kb_weak": {"en": ("update", "hotfix", "patch"), "de": ("update", "hotfix"), "fr": ("correctif", "mise à jour"),
                "es": ("revisión", "actualización"), "ja": ("修正プログラム", "更新プログラム")},
    "component": {"en": ("component", "area", "feature", "role"), "de": ("komponente", "bereich"),
                  "fr": ("composant",), "es": ("componente",), "ja": ("コンポーネント",)},
    "download": {"en": ("download", "link", "links"), "de": ("herunterladen",), "fr": ("téléchargement",),
                 "es": ("descarga",), "ja": ("ダウンロード",)},
}
# A table under one of these headings (or with such a caption) lists no recommendations: links to other
# pages, updates that were replaced or withdrawn, or the fixes a package carries (a rollup's own article).
SKIPPED_SECTION = re.compile(
    r"\bsee\s+also\b|^\s*related\s*$|\brelated\s+(?:articles?|topics?|links?|content|resources|pages?)\b|"
    r"^\s*(?:references?|more\s+information|additional\s+(?:resources|information))\s*$|"
    r"\b(?:superseded|replaced|obsolete|retired|withdrawn|expired|removed|deprecated)\b|\bno\s+longer\b|"
    r"\bissues?\s+that\s+(?:this|the)\s+(?:update|rollup|package|hotfix)[\w\s]*?\s(?:fix|fixes|resolves)\b|"
    r"\b(?:fixes|hotfixes|updates|issues)\s+(?:that\s+are\s+)?(?:included|contained|fixed|resolved)\s+in\s+this\b|"
    r"\bthis\s+(?:update(?:\s+rollup)?|rollup|package|cumulative\s+update)\s+(?:also\s+)?(?:includes|contains|fixes|"
    r"resolves)\b|"
    r"\bsiehe\s+auch\b|\bverwandte\b|\bersetzte\b|^\s*weitere\s+informationen\s*$|\bvoir\s+aussi\b|"
    r"\bremplacée?s?\b|^\s*(?:références|informations\s+supplémentaires)\s*$|\bvéase\s+también\b|"
    r"\breemplazad[oa]s?\b|関連項目|関連情報|関連記事|関連トピック|関連リンク|参考資料|置き換えられた", re.IGNORECASE)


# --- Article labels (a whole heading or label, a trailing colon allowed) ----------------------------------
APPLIES_TO = _any(r"applies\s+to", r"gilt\s+für|betrifft", r"s['’]applique\s+(?:à|aux)", r"se\s+aplica\s+a|aplica\s+a",
                  r"対象(?:製品)?|適用対象")
REPLACEMENT = _any(r"(?:hotfix|update|package)?\s*replacement\s+information|replacement",
                   r"ersatz|ersetzungsinformationen", r"remplacement", r"reemplazo|sustitución", r"置き換え")
PREREQUISITES = _any(r"prerequisites?|requirements?", r"voraussetzungen?", r"prérequis|conditions?\s+préalables?",
                     r"requisitos(?:\s+previos)?", r"前提条件|必要条件")
# "See also", "References", "Related articles": sections that point elsewhere and state nothing of this KB.
SEE_ALSO = _any(r"\bsee\s+also\b|^\s*related\b|\brelated\s+(?:articles?|topics?|links?|content|resources|pages?)\b|"
                r"^\s*(?:references?|more\s+information|additional\s+(?:resources|information))\s*:?\s*$",
                r"\bsiehe\s+auch\b|\bverwandte\b|^\s*(?:weitere\s+informationen|verweise|referenzen)\s*$",
                r"\bvoir\s+aussi\b|^\s*(?:références|informations\s+supplémentaires)\s*$",
                r"\bvéase\s+también\b|\bvea\s+también\b|^\s*referencias\s*$",
                r"関連項目|関連情報|関連記事|関連トピック|関連リンク|参考資料|参照")
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
# The same labels as plain lower-case text, for a fast search through a whole list page.
ARTICLE_ID_WORDS = ("article id", "original kb number", "original kb #", "artikel-id", "artikelid",
                    "ursprüngliche kb-nummer", "numéro d'article", "numéro d’article", "id de l'article",
                    "numéro de la base de connaissances d'origine", "id. de artículo", "id de artículo",
                    "id del artículo", "número de kb original", "文書番号", "元の kb 番号")
ARTICLE_ID_NUMBER = re.compile(rf"(?:{ARTICLE_ID.pattern})\s*[:：]?\s*(?:KB\s?)?(\d{{6,7}})\b", re.IGNORECASE)
META_KB = re.compile(r"^(?:ms\.kb|ms\.article|awa-kb_?id|kbid)", re.IGNORECASE)

# --- Sentence cues ---------------------------------------------------------------------------------------
# A statement that another update must be installed first is a prerequisite, never a relation.
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
# The other direction: "is replaced by update 3000850", "wird durch ... ersetzt", "置き換えられ". Such a
# sentence says another update replaces this one; it is never read as "this one replaces".
REPLACED_BY = _any(r"\b(?:replaced|superseded)\s+by\b|\b(?:has|have|was|were|is|are|been)\s+(?:\w+\s+)?"
                   r"(?:replaced|superseded)\b",
                   r"\bersetzt\s+durch\b|\bdurch\b[^.]{0,80}\bersetzt\b|\bwurde\b[^.]{0,80}\bersetzt\b",
                   r"\bremplacée?s?\s+par\b|\ba\s+été\s+remplacé",
                   r"\breemplazad[oa]s?\s+por\b|\bsustituid[oa]s?\s+por\b",
                   r"置き換えられ|によって置き換え")
# Looked for just around a replace or include verb ("does not replace", "ersetzt keinen", "ne remplace aucun").
NEGATION = _any(r"\bnot\b|n['’]t\b|\bno\b|\bnever\b", r"\bkein\w*|\bnicht\b", r"\bne\b|\bn['’]|\baucun",
                r"\bno\b|\bningún|\bninguna", r"ません|ない")
# "This update includes update 2869923 and update 2908415": the update the text is about contains them.
INCLUDES = _any(r"\b(?:this|the)\s+(?:(?:security|monthly|quality)\s+)*(?:update(?:\s+rollup)?|hotfix|fix|package|"
                r"rollup|cumulative\s+update|service\s+pack)\s+(?:also\s+)?(?:includes|contains|incorporates)\b",
                r"\b(?:dieses|dieser|das)\s+(?:update(?:rollup)?|hotfix|paket|updaterollup)\s+(?:\w+\s+)?"
                r"(?:enthält|umfasst|beinhaltet)\b",
                r"\b(?:cette|ce)\s+(?:mise\s+à\s+jour|correctif(?:\s+cumulatif)?|package)\s+(?:\w+\s+)?"
                r"(?:inclut|comprend|contient)\b",
                r"\b(?:esta|este)\s+(?:actualización|revisión|paquete)\s+(?:\w+\s+)?(?:incluye|contiene)\b")
# The same verb with the subject left out, as list cells write it: "Includes the fix from 3123538",
# "Enthält den Hotfix 2996928", "Inclut le correctif ...", "Incluye ...", and "A cumulative update that
# includes ...", where the row's own update is the subject.
INCLUDES_BARE = _any(r"^\s*(?:also\s+)?(?:includes|contains|incorporates)\b|"
                     r"^\s*(?:an?|the)\s+(?:[\w-]+\s+){0,3}?(?:update|rollup|package|hotfix)\s+(?:that|which)\s+"
                     r"(?:also\s+)?(?:includes|contains)\b",
                     r"^\s*(?:enthält|umfasst|beinhaltet)\b", r"^\s*(?:inclut|comprend|contient)\b",
                     r"^\s*(?:incluye|contiene)\b", r"が含まれ")
# Any include verb: where a replacement clause ends ("ersetzt das Update 2975719 und enthält die Hotfixes ...").
INCLUDE_VERB = _any(r"\b(?:include[sd]?|contains?|incorporates?)\b", r"\b(?:enthält|umfasst|beinhaltet)\b",
                    r"\b(?:inclut|comprend|contient)\b", r"\b(?:incluye|contiene)\b", r"含まれ")
CLAUSE_END = _any(r"\b(?:but|except|however|unless)\b|\bthat\s+(?:were|was|are|is)\s+released\b",
                  r"\b(?:aber|außer|jedoch)\b", r"\b(?:mais|sauf)\b", r"\b(?:pero|excepto|salvo)\b")

# Relations as translated list cells word them, read where the sentence rules (prose.stated) do not reach:
# "Il inclut les correctifs 3004539 et 3002130", "Um dieses Problem zu beheben, installieren Sie das
# Updaterollup 3013769", "この修正プログラムは、... 3013769 に含まれています".
_N = r"(?:KB\s?)?[0-9]{6,7}"
_LIST = rf"({_N}(?:\s*(?:,|、|\bund\b|\bet\b|\by\b|と|および)\s*{_N})*)"
_NOUN = (r"(?:(?:das|den|die|dem|le|la|les|l'|el|los)\s*)?(?:Updaterollup|Updates?|Hotfix(?:es)?|Korrekturen|"
         r"correctifs?(?:\s+cumulatif)?|mises?\s+à\s+jour|revisi(?:ón|ones)|actualizaci(?:ón|ones)|"
         r"paquete\s+acumulativo)?")
LOCAL_INCLUDES = re.compile(rf"\b(?:enthält|inclut|contient|comprend|incluye|contiene)\b\s*"
                            rf"(?:auch|également|también)?\s*{_NOUN}\s*:?\s*{_LIST}|{_LIST}\s*が含まれ", re.IGNORECASE)
LOCAL_INCLUDED_IN = re.compile(
    rf"\binstallieren\s+Sie\s+{_NOUN}\s*({_N})\b|\binstallez\s+{_NOUN}\s*({_N})\b|\binstale\s+{_NOUN}\s*({_N})\b|"
    rf"\b(?:ist|sind)\s+(?:auch\s+)?(?:im|in\s+(?:dem|der))\s+{_NOUN}\s*\(?({_N})\)?\s+enthalten\b|"
    rf"\b(?:est|sont)\s+(?:inclus|incluse|contenue?s?)\s+dans\s+{_NOUN}\s*\(?({_N})\b|"
    rf"\b(?:está|están)\s+incluid[ao]s?\s+en\s+{_NOUN}\s*\(?({_N})\b|({_N})\s*に含まれ|"
    rf"解決するには[^。]*?({_N})\s*をインストール", re.IGNORECASE)

# Titles of packages: an article whose tables and lists name what the package contains.
PACKAGE_TITLE = _any(r"\bupdate\s+rollup\b|\brollup\s+update\b|\b(?:convenience|monthly|quality)\s+rollup\b|"
                     r"\bcumulative\s+update\b|\bservice\s+pack\b|\bupdate\s*:\s*(?:january|february|march|april|may|"
                     r"june|july|august|september|october|november|december)\s+\d{4}\b",
                     *(pattern for kind, words in KIND_WORDS if kind in PACKAGE_KINDS for pattern in words[1:]))
# "... after you install update rollup 2903938": a hotfix article that names a package, not a package.
NAMES_A_PACKAGE = re.compile(r"\b(?:install\w*|after|apply\w*|with|in)\s+(?:the\s+)?(?:\w+\s+){0,3}?"
                             r"(?:update\s+rollup|cumulative\s+update|service\s+pack)\b|"
                             r"(?:update\s+rollup|cumulative\s+update)\s+(?:KB\s?)?\d{6,7}\b", re.IGNORECASE)

# --- Dates -----------------------------------------------------------------------------------------------
# A release label states the release; a review or change date says when the article was last edited
# (rollup articles are revised for months) and is a release date only where the rules allow.
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
# A title that starts with the day its update was released: "June 12, 2018-KB4284815 (Monthly Rollup)",
# "12. Juni 2018 – KB4284815", "2018 年 6 月 12 日 - KB4284815".
TITLE_DATE = re.compile(rf"^\s*({MONTH_WORD}\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\.?\s+(?:de\s+)?{MONTH_WORD}\.?\s+"
                        rf"(?:de\s+)?\d{{4}}|\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)\s*[-–—:]?\s*(?:KB\s?\d{{6,7}})",
                        re.IGNORECASE)
