"""The words update-list pages use, per language: column headers, section names, kinds, relations, dates.

Microsoft translates KB 2920151-style lists (de-de "Titel", fr-fr "Titre", ja-jp "タイトル"); the words are
data here, and every language's words apply on every page (a header word names its column whatever the
page's language). Latin words match whole words (a trailing `*` allows endings: "comment*" is also
"Comments"), so "update" never matches inside "Last updated"; Japanese words, written without spaces,
match anywhere in the header.
"""

from __future__ import annotations

import re

from scanner.models import Kind

# Column meanings, in precedence order: the first that matches a header names its column, so "Why we
# recommend this hotfix" is a reason, not a hotfix; "Date added" is not a release date; "Article title"
# is a title; and "Update" or "Hotfix" (kb_weak) is the KB column only when no header says KB/article.
_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
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
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff]")
_LETTERS = re.compile(r"[^\W\d_]+")


def _phrase(word: str) -> str:
    if _CJK.search(word):
        return re.escape(word)
    body = r"\s+".join(re.escape(part) for part in word.rstrip("*").split())
    ending = r"\w*" if word.endswith("*") else ""
    return rf"(?<!\w){body}{ending}(?!\w)"


_COLUMN_PATTERNS = tuple((meaning, re.compile("|".join(_phrase(w) for words in langs.values() for w in words)))
                         for meaning, langs in _COLUMNS.items())


def column_meaning(header: str) -> str | None:
    """What a column holds, from its header's words: `kb`, `kb_weak`, `title`, `released`, `added`,
    `updated`, `why`, `notes`, `supersedes`, `superseded_by`, `includes`, `kind`, `fix_for`, `component`,
    `wu`, `download`; None for a header of no known meaning."""
    words = " ".join(_LETTERS.findall(header.lower()))
    return next((meaning for meaning, pattern in _COLUMN_PATTERNS if pattern.search(words)), None) if words else None


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

# Kinds in other languages (English titles go through text.kind_from_title).
_KINDS: tuple[tuple[str, Kind], ...] = (
    (r"updaterollup|update-rollup|correctif\s+cumulatif|paquete\s+acumulativo|更新プログラムのロールアップ",
     Kind.UPDATE_ROLLUP),
    (r"kumulatives\s+update|mise\s+à\s+jour\s+cumulative|actualización\s+acumulativa|累積的な更新プログラム|累積更新",
     Kind.CUMULATIVE_UPDATE),
    (r"sicherheitsupdate|mise\s+à\s+jour\s+de\s+sécurité|actualización\s+de\s+seguridad|セキュリティ更新プログラム",
     Kind.SECURITY_UPDATE),
    (r"^\s*(?:une\s+)?mise\s+à\s+jour\s+(?:est\s+)?(?:disponible|qui|pour)\b|"
     r"^\s*(?:una\s+)?actualización\s+(?:está\s+)?(?:disponible|que|para)\b|更新プログラムを利用できます", Kind.UPDATE),
)
_KIND = re.compile("|".join(f"(?P<k{index}>{pattern})" for index, (pattern, _kind) in enumerate(_KINDS)), re.IGNORECASE)


# What every pattern above contains: most titles have none, and `in` is far cheaper than the search.
_KIND_STEMS = ("rollup", "umulati", "sicherheit", "sécurité", "seguridad", "mise à jour", "actualización",
               "ロールアップ", "累積", "セキュリティ", "利用できます")


def local_kind(title: str) -> Kind | None:
    """The kind a non-English title names ("Updaterollup für ...", "Correctif cumulatif ..."), else None."""
    lowered = title.lower()
    if lowered.isascii():  # the common case: only the ASCII stems can be there
        if "rollup" not in lowered and "umulati" not in lowered and "sicherheit" not in lowered:
            return None
    elif not any(stem in lowered for stem in _KIND_STEMS):
        return None
    match = _KIND.search(title)
    return _KINDS[int(match.lastgroup[1:])][1] if match and match.lastgroup else None


# Relations as the translated "why" and comment texts word them.
_N = r"(?:KB\s?)?[0-9]{6,7}"
_LIST = rf"({_N}(?:\s*(?:,|、|\bund\b|\bet\b|\by\b|と|および)\s*{_N})*)"
_NOUN = (r"(?:(?:das|den|die|dem|le|la|les|l'|el|los)\s*)?(?:Updaterollup|Updates?|Hotfix(?:es)?|Korrekturen|"
         r"correctifs?(?:\s+cumulatif)?|mises?\s+à\s+jour|revisi(?:ón|ones)|actualizaci(?:ón|ones)|"
         r"paquete\s+acumulativo)?")
_REPLACES = re.compile(rf"\b(?:ersetzt|remplace|reemplaza)\b(?!\s+(?:durch|par|por)\b)\s*(?:a\s+)?{_NOUN}\s*:?\s*"
                       rf"{_LIST}|{_LIST}\s*を置き換え", re.IGNORECASE)
_INCLUDES = re.compile(rf"\b(?:enthält|inclut|contient|comprend|incluye|contiene)\b\s*(?:auch|également|también)?\s*"
                       rf"{_NOUN}\s*:?\s*{_LIST}|{_LIST}\s*が含まれ", re.IGNORECASE)
_INCLUDED_IN = re.compile(
    rf"\binstallieren\s+Sie\s+{_NOUN}\s*({_N})\b|\binstallez\s+{_NOUN}\s*({_N})\b|\binstale\s+{_NOUN}\s*({_N})\b|"
    rf"\b(?:ist|sind)\s+(?:auch\s+)?(?:im|in\s+(?:dem|der))\s+{_NOUN}\s*\(?({_N})\)?\s+enthalten\b|"
    rf"\b(?:est|sont)\s+(?:inclus|incluse|contenue?s?)\s+dans\s+{_NOUN}\s*\(?({_N})\b|"
    rf"\b(?:está|están)\s+incluid[ao]s?\s+en\s+{_NOUN}\s*\(?({_N})\b|({_N})\s*に含まれ|"
    rf"解決するには[^。]*?({_N})\s*をインストール", re.IGNORECASE)
_NUMBER = re.compile(r"[0-9]{6,7}")


def _kbs(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    found = (f"KB{n}" for m in pattern.finditer(text) for group in m.groups() if group for n in _NUMBER.findall(group))
    return tuple(dict.fromkeys(found))


def local_replaces(text: str) -> tuple[str, ...]:
    """"Dieses Update ersetzt das Update 2975719", "Ce correctif remplace le correctif 2903939"."""
    return _kbs(_REPLACES, text)


def local_includes(text: str) -> tuple[str, ...]:
    """"enthält die Hotfixes 2996928 und 2995478", "inclut les correctifs 2996928 et 2995478"."""
    return _kbs(_INCLUDES, text)


def local_included_in(text: str) -> tuple[str, ...]:
    """"Um dieses Problem zu beheben, installieren Sie das Updaterollup 3013769", "est inclus dans ..."."""
    return _kbs(_INCLUDED_IN, text)


# Dates that parse_date does not read: year first (ja-jp `2015/04/14`, `2015年4月14日`) and month names
# in other languages (`14. Mai 2015`, `14 mai 2015`, `14 de mayo de 2015`).
_YEAR_FIRST = re.compile(r"^\s*(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*日?\s*$")
_MONTHS = {name: index % 12 + 1 for index, name in enumerate((
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
    "dezember", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
    "septiembre", "octubre", "noviembre", "diciembre"))}
_ENGLISH_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                   "october", "november", "december")
_MONTH_NUMBER = {**{name: index + 1 for index, name in enumerate(_ENGLISH_MONTHS)}, **_MONTHS}
_TITLE_MONTH = re.compile(r"\b(" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True)) + r")\s+(?:de\s+)?(\d{4})\b"
                          r"|(\d{4})\s*年\s*(\d{1,2})\s*月", re.IGNORECASE)


def title_month(title: str) -> tuple[int, int] | None:
    """(year, month) a title names: "update rollup: December 2013", "Updaterollup ...: Dezember 2014",
    "décembre 2014", "diciembre de 2014", "2014 年 12 月"."""
    match = _TITLE_MONTH.search(title)
    if match is None:
        return None
    if match[3]:
        return int(match[3]), int(match[4])
    return int(match[2]), _MONTH_NUMBER[match[1].lower()]


_DAY_MONTH_NAME = re.compile(r"^\s*(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+)\.?\s+(?:de\s+)?(\d{4})\s*$")


def iso_date(text: str) -> str:
    """`text` as an ISO date when it is written year first or with a German, French or Spanish month
    name; otherwise unchanged, for parse_date."""
    if match := _YEAR_FIRST.match(text):
        return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    if (match := _DAY_MONTH_NAME.match(text)) and (month := _MONTHS.get(match[2].lower())):
        return f"{match[3]}-{month:02d}-{int(match[1]):02d}"
    return text


# Languages that write a numeric date month first (12/10/2013): US English; year-first languages never
# reach the slash form (see iso_date). Every other language writes the day first.
_MONTH_FIRST = frozenset({"en", "en-us", "en-ph", "en-ca"})
_LANGUAGE = re.compile(r"^([a-z]{2,3})(?:[-_]([a-z]{2,4}))?$")


def day_first(language: str | None) -> bool:
    """Whether the page's language writes `05/03/2014` for 5 March: `de-de`, `fr-fr`, `en-gb` do; `en-us`
    (and a page of unknown language) does not."""
    match = _LANGUAGE.match((language or "").strip().lower())
    if not match:
        return False
    return match.group(0).replace("_", "-") not in _MONTH_FIRST and match.group(1) not in ("ja", "zh", "ko")
