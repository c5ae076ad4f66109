import sys

from django.core.mail.backends.filebased import EmailBackend


class ConsoleAndFileBackend(EmailBackend):
    """Development mail: each message printed to the console and kept as a file under var/mail/."""

    def write_message(self, message):
        super().write_message(message)
        sys.stdout.write(message.message().as_string() + "\n" + "-" * 79 + "\n")
        sys.stdout.flush()
