from django.apps import AppConfig


class InfobuttonConfig(AppConfig):
    name = "infobutton"
    verbose_name = "HL7 Infobutton"
