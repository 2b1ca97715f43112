"""The admin in another language: with admin.lang = fr every page, error
and flash message is in French (the catalogs of src/admin/i18n_*.c), and
<html> says so; without the setting the admin stays in English."""

import html
import re

from harness import Site, check, check_eq

# The most visible English words of the pages checked below: none may be
# left, as a whole word, once the admin is in French. ("Articles",
# "Actions", "Page" and "Description" are the same words in French.)
ENGLISH = [
    "Log in", "User name", "Password", "Dashboard", "drafts", "scheduled",
    "in the trash", "Write an article", "Log out", "Skip to content", "Media",
    "Users", "Settings", "API tokens", "View site", "Write", "Trash", "Filter",
    "Search", "Status", "Author", "Language", "Anyone", "Newer", "Older",
    "With the selected articles", "Move to the trash", "Publish", "Apply",
    "Title", "Slug", "Summary", "Text", "Preview", "Save", "Tags", "Draft",
    "Featured image", "Publication time", "separated by commas", "Select",
    "of", "published", "Back to the dashboard",
]


def visible_text(page):
    """The page's words as people see or hear them: the text between the
    tags plus the attributes read out or shown (aria-label, placeholder,
    data-confirm), unescaped; scripts and the <head> left out."""
    body = page.split("<body>", 1)[-1]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    attrs = re.findall(r'(?:aria-label|placeholder|data-confirm)="([^"]*)"', body)
    text = re.sub(r"<[^>]*>", "<", body)
    return html.unescape(text + " " + " ".join(attrs))


def no_english(page, what):
    seen = visible_text(page)
    left = [w for w in ENGLISH if re.search(r"(?<!\w)%s(?!\w)" % re.escape(w), seen)]
    check(not left, "%s still says %r" % (what, left))


def test_admin_in_french():
    site = Site("admin-fr")
    site.add_user("admin1", "admin")
    site.new("Un article", body="du texte", publish=True)
    site.new("Un brouillon", body="à finir")
    srv = site.serve(settings=["admin.lang=fr"])

    # The login page, and a refused login.
    page = srv.get("/admin/login").text
    check('<html lang="fr">' in page, "<html> says French: %r" % page[:120])
    check("<h1>Connexion</h1>" in page, "the heading is French")
    check("Nom d&#39;utilisateur" in page or "Nom d'utilisateur" in page, "label in French")
    no_english(page, "the login page")
    adm = srv.admin_client()
    r = adm.login("admin1", "wrong password")
    check_eq(r.status, 401, "wrong password")
    check("Nom d'utilisateur ou mot de passe incorrect." in html.unescape(r.text),
          "the error message is translated: %r" % r.text[-600:])

    # The dashboard.
    adm = srv.admin_login("admin1", "password123")
    page = adm.get("/admin").text
    check('<html lang="fr">' in page, "<html lang=fr> on the dashboard")
    check("<h1>Tableau de bord</h1>" in page, "dashboard heading")
    check("brouillons" in page and "publiés" in page, "the counters are French")
    check("Se déconnecter" in page and "Aller au contenu" in page, "layout in French")
    check("<title>Tableau de bord · " in page, "the page title is French")
    no_english(page, "the dashboard")

    # The article list, with its status labels and filters.
    page = adm.get("/admin/articles").text
    check("Filtrer" in page and "Corbeille" in page, "list in French")
    check(">publié</td>" in page and ">brouillon</td>" in page, "statuses in French")
    check('class="status-published"' in page, "the status classes stay as they are")
    check("Page 1 sur 1" in page, "the page count is French")
    no_english(page, "the article list")

    # The editor.
    page = adm.get("/admin/articles/new").text
    check("<h1>Écrire un article</h1>" in page, "editor heading")
    check('<label for="title">Titre</label>' in page, "labels keep their for= and are French")
    check(">Brouillon</option>" in page, "status options in French")
    # The scripts' words come from the page too (autosave status).
    check('data-saved-at="Brouillon enregistré automatiquement à"' in page,
          "the autosave words in French")
    media = adm.get("/admin/media").text
    check('data-copy-word="Copier"' in media and
          "data-too-large=\"Ce fichier dépasse la taille maximale d&#39;envoi.\"" in media,
          "the media script's words in French")
    no_english(page, "the editor")

    # A form error, a flash message and an error page.
    r = adm.post("/admin/articles/new", {"title": "Essai", "status": "bogus", "action": "save"})
    check_eq(r.status, 422, "a bad status is refused")
    check("Choisissez un état" in html.unescape(r.text), "the form error is French")
    r = adm.post("/admin/articles/new", {"title": "Essai", "status": "draft", "action": "save"})
    check_eq(r.status, 303, "a draft is saved")
    page = adm.get(r.header("location")).text
    check("Enregistré comme brouillon." in html.unescape(page), "the flash message is French")
    r = adm.get("/admin/nowhere")
    check_eq(r.status, 404, "unknown admin page")
    text = html.unescape(r.text)
    check("<h1>Introuvable</h1>" in text, "the error heading is French")
    check("Cette page d'administration n'existe pas." in text, "the error message is French")
    no_english(r.text, "an error page")


def test_admin_in_english_by_default():
    site = Site("admin-en")
    site.add_user("admin1", "admin")
    srv = site.serve()
    page = srv.get("/admin/login").text
    check('<html lang="en">' in page, "<html lang=en> without the setting")
    check("<h1>Log in</h1>" in page and "Connexion" not in page, "English by default")
    adm = srv.admin_login("admin1", "password123")
    page = adm.get("/admin").text
    check("<h1>Dashboard</h1>" in page and " drafts</a>" in page, "English dashboard")
