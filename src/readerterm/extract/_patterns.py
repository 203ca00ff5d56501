"""What page furniture looks like: class/id tokens, headings and lines of text.

These are general patterns of news pages (share bars, newsletter boxes, donation
appeals, comment sections, related-article blocks), not rules for single sites.
"""

from __future__ import annotations

import re

# class/id of blocks that are never article text. Matched against "class id" lowercased.
FURNITURE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:"
    r"share|sharing|sharethis|share-?bar|social|socials|follow-?us|"
    r"newsletter|subscribe|subscription|signup|sign-up|optin|opt-in|mailing-?list|"
    r"donat\w*|support-?us|contribut(?:e|ion)s?-?(?:box|ask|epic)|paywall|"
    r"comments?|comment-?(?:form|list|section|area|respond)|respond|disqus|"
    r"related|recommend\w*|read-?(?:more|next|also)|more-?(?:from|stories|articles|news|on)|"
    r"also-?(?:like|read)|you-?may|trending|most-?(?:read|popular|viewed)|popular|"
    r"outbrain|taboola|zergnet|promo|sponsor\w*|advert\w*|ads?|ad-?(?:slot|unit|container|wrapper)|"
    r"breadcrumbs?|nav|navbar|navigation|menu|skip-?link|"
    r"tags?|tag-?list|topics?-?list|author-?(?:bio|box|info)|bio|"
    r"print|toolbar|tools|widget|sidebar|rail|modal|popup|overlay|cookie\w*|banner"
    r")(?:$|[\s_-])"
)

# class/id of a block of related articles (a subset of FURNITURE_ATTR).
RELATED_ATTR = re.compile(
    r"(?:^|[\s_-])(?:related\w*|recommend\w*|read-?(?:more|next|also)|"
    r"more-?(?:from|stories|articles|news|on|like-?this)|also-?(?:like|read)|you-?may|"
    r"further-?reading|see-?also|story-?list|next-?up|suggest\w*|"
    r"most-?(?:read|popular|viewed)|trending|popular)(?:$|[\s_-])"
)

# A heading that opens a block of related articles.
RELATED_HEADING = re.compile(
    r"^\W*(?:related(?:\s+(?:articles?|stories|posts?|news|content|coverage|reading|links?))?|"
    r"more\s+(?:from|on|in|about|like\s+this|stories|articles|news|to\s+read|coverage)\b.*|"
    r"read\s+(?:more|next|also)|also\s+read|see\s+also|further\s+reading|"
    r"you\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested).*|recommended.*|"
    r"most\s+(?:read|popular|viewed)|trending(?:\s+now)?|popular(?:\s+now)?|"
    r"what\s+to\s+read\s+next|up\s+next|in\s+case\s+you\s+missed\s+it|"
    r"top\s+stories|latest(?:\s+news|\s+stories)?)\W*$",
    re.I,
)

# Caption and credit markup outside <figcaption>: a class/id token that contains
# "caption" or "credit" ("wp-caption-text", "newsCaption", "image-credit"), except
# tokens that say there is none ("withoutCaption", "no-caption").
_CAPTION_TOKEN = re.compile(r"caption|credit|attribution")
_NOT_CAPTION = ("no", "without", "has", "with-out", "hide")


def caption_attr(attr: str) -> bool:
    """Whether a "class id" string marks a caption or credit."""
    return any(_CAPTION_TOKEN.search(tok) and not tok.startswith(_NOT_CAPTION)
               for tok in attr.split())


# A line of the body that is furniture, whatever its markup.
FURNITURE_TEXT = re.compile(
    r"^\W*(?:"
    r"(?:please\s+)?follow\s+us\b.{0,120}$|"
    r"(?:share|tweet|email|print)(?:\s+(?:this|on|via)\b.{0,60})?$|"
    r"(?:share|sharing)\s+(?:this|is\s+caring).{0,60}$|"
    r"(?:sign\s+up|subscribe)\b.{0,160}(?:newsletter|inbox|email|updates|informed)\b.{0,80}$|"
    r".{0,80}\bnewsletter\b.{0,80}(?:sign\s+up|subscribe)\b.{0,60}$|"
    r"leave\s+a\s+(?:comment|reply)\W*$|"
    r"\d*\s*comments?\W*$|(?:post\s+a\s+|add\s+a\s+|view\s+)?comments?\W*$|"
    r"(?:keine\s+|\d+\s+)?kommentare\b(?:\W.{0,80})?$|kommentieren\W*$|"
    r"kommentar\s+schreiben\W*$|"
    r".{0,60}\b(?:einloggen|eingeloggt|log\s+in|logged\s+in)\b.{0,60}"
    r"\b(?:kommentar\w*|diskussion|comment\w*)\b.{0,60}$|"
    r"(?:read|see)\s+(?:more|also|next)\s*:.{0,200}$|"
    r"(?:related|also\s+read|more)\s*:.{0,200}$|"
    # "read also" in the other languages of the development sets' pages
    r"(?:czytaj\s+(?:też|także|więcej|również)|dowiedz\s+się\s+więcej|"
    r"zobacz\s+(?:też|także|również)|puedes\s+ver|lee\s+(?:también|más)|"
    r"ver\s+también|vea\s+también|(?:à\s+)?lire\s+(?:aussi|également)|voir\s+aussi|"
    r"leia\s+(?:também|mais)|veja\s+também|leggi\s+anche|lesen\s+sie\s+(?:auch|mehr)|"
    r"auch\s+interessant|(?:das|dies)\s+könnte\s+(?:sie|dich)\s+auch\s+interessieren|"
    r"das\s+thema\s+könnte|schon\s+gelesen|zum\s+weiterlesen|mehr\s+zum\s+thema|"
    r"weiterlesen|lees\s+ook|läs\s+också|les\s+også|læs\s+også)\b.{0,200}$|"
    r"advertisement\W*$|sponsored(?:\s+content)?\W*$|"
    r"(?:click|tap)\s+here\s+to\s+(?:subscribe|sign\s+up|donate|support).{0,120}$|"
    r"(?:we\s+rely\s+on|please\s+)?(?:donate|support\s+us)\b.{0,160}$"
    r")",
    re.I | re.S,
)

# Donation appeals are long and varied: several of these words in one short block.
DONATION_WORDS = re.compile(
    r"\b(?:donate|donation|donating|support\s+(?:us|our|independent)|contribut(?:e|ion)|"
    r"funded\s+by|patreon|paypal|become\s+a\s+(?:member|patron|supporter)|chip\s+in)\b",
    re.I,
)

# A picture's credit or source line standing alone ("Foto: MDR/Bernd Cramer",
# "© dpa | Kay Nietfeld", "Crédit photo : KB"), in the languages of the development sets.
CREDIT_START = re.compile(
    r"^\W*(?:(?:photos?|fotos?|photograph|bild|image|picture|abbildung|illustration|grafik|"
    r"titelbild|beitragsbild|credits?(?:\s+photos?)?|crédits?(?:\s+photos?)?|quelle|source|"
    r"fuente|copyright)\s*(?::|by\b|von\b)|©|\(c\)\s)",
    re.I,
)
# A caption that ends in its credit: "Marco Odermatt, Ski-Star. © AFP / MARCO BERTORELLO".
CREDIT_END = re.compile(r"(?:^|\s|\|)©\s*(?:\S+\s*){1,8}$")
# Picture agencies, wherever they stand in a short line.
AGENCY = re.compile(
    r"\b(?:getty\s*images|shutterstock|istock\w*|unsplash|picture[\s-]alliance|"
    r"imago|dpa|afp|reuters|associated\s+press|ap\s+photo)\b",
    re.I,
)
CREDIT_WORDS = 12  # a credit line alone is short
CAPTION_WORDS = 40  # a caption ending in a credit is short too

# A short line of the body that sells something around the story, anywhere in the line:
# affiliate and advertising disclosures, "get our app", "our Telegram channel",
# "subscribe to our newsletter", in the languages of the development sets.
PROMO_TEXT = re.compile(
    r"\baffiliate[\s-]*links?\b|"
    r"\bwe\s+may\s+(?:receive|earn|get)\b.{0,60}\b(?:compensation|commission)\b|"
    r"\bcontains?\s+references\s+to\s+products\b|\badvertisers?\s+do\s+not\s+influence\b|"
    r"\benthält\s+(?:werbung|affiliate)|\bcontains\s+(?:advertising|sponsored)\b|"
    r"\bapps?\s+(?:for|on)\s+(?:ios|android|iphone)\b|\bstraight\s+to\s+your\s+phone\b|"
    r"\b(?:canal|channel|kanal)\s+(?:de\s+)?(?:youtube|telegram|whatsapp)\b|"
    r"\bnewsletter\b.{0,120}\b(?:erhalten|bleiben|abonn\w*|subscri\w*|suscri\w*|"
    r"sign\s+up|inscri\w*|anmeld\w*)|"
    r"\b(?:mit\s+unserem|to\s+our|a\s+nuestra|unseren|à\s+notre)\s+newsletter\b|"
    r"^\W*subscribe\s+now\b",
    re.I | re.S,
)

# A line that is only the story's date (and time), perhaps with its label: "Publiziert:
# 03.04.2020, 12:35", "Updated 2021-01-17". The reader shows the date in the header.
_DATE = r"(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
DATE_LINE = re.compile(
    r"^\W*(?:(?:aktualisiert|publiziert|veröffentlicht|erstellt|stand|datum|date|"
    r"updated|published|posted|publié|mis\s+à\s+jour|publicado|actualizado|pubblicato|"
    r"aggiornato)(?:\s+(?:am|on|le|el|il))?\s*:?\s*)?"
    rf"{_DATE}(?:,?\s*(?:um\s+|at\s+|à\s+)?\d{{1,2}}[:.h]\d{{2}}(?:\s*uhr)?)?\W*$",
    re.I,
)
