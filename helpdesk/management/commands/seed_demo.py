"""Demo data with known logins; running it again changes nothing but what drifted."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, DepartmentMembership, Organization, User
from attendance.models import (
    AttendanceScript,
    AttendanceType,
    ScriptOption,
    ScriptQuestion,
    ServicePlan,
)
from helpdesk.demo_history import seed_history
from tickets import services
from tickets.models import (
    Category,
    EmailTemplate,
    Priority,
    Product,
    ProgressLabel,
    Severity,
    Ticket,
)

DEMO_PASSWORD = "helpdesk-demo"  # noqa: S105 - printed on purpose: these are demo logins

ORGANIZATIONS = [
    ("Acme Ltda", "acme.example"),
    ("Globex S.A.", "globex.example"),
]

DEPARTMENTS = [
    # name, Portuguese name, address, its own categories
    ("Support", "Suporte", "support@helpdesk.example", [("Installation", "Instalação")]),
    ("Billing", "Financeiro", "billing@helpdesk.example", [("Invoices", "Boletos e notas")]),
    ("Development", "Desenvolvimento", "dev@helpdesk.example", [("Integrations", "Integrações")]),
]

GLOBAL_CATEGORIES = [
    ("Question", "Dúvida", False),
    ("Nonconformity", "Não conformidade", True),
    ("System down", "Sistema parado", False),
    ("Improvement request", "Pedido de melhoria", False),
]

PRODUCTS = [("Sales Force", "Força de Vendas"), ("ERP", "ERP")]

PRIORITIES = [
    # name, Portuguese, first response hours, resolution hours, default
    ("Low", "Baixa", 24, 120, False),
    ("Normal", "Normal", 8, 48, True),
    ("High", "Alta", 4, 24, False),
    ("Urgent", "Urgente", 1, 8, False),
]

SEVERITIES = [
    ("Low impact", "Baixo impacto"),
    ("Medium impact", "Médio impacto"),
    ("High impact", "Alto impacto"),
]

# Guided attendance (S1): plans route to a department; types may send the ticket on.
# Steps an agent shows the customer (S3 §4.5 "Alterar Status").
PROGRESS_LABELS = [
    ("Under analysis", "Em análise"),
    ("Waiting for the supplier", "Aguardando fornecedor"),
    ("Testing", "Em testes"),
]
PLANS = [
    ("Basic support", "Suporte básico", "Support"),
    ("Business support", "Suporte empresarial", "Support"),
    ("Billing", "Financeiro", "Billing"),
]
ATTENDANCE_TYPES = [
    ("Answered by phone", "Atendido por telefone", None),
    ("Remote access", "Acesso remoto", None),
    ("Billing question", "Dúvida financeira", "Billing"),
]
EMAIL_TEMPLATES = [
    (
        "Visit confirmation",
        "Visit for {ticket_number}",
        "Hello, {customer_first_name}.\n\nOur technician will visit you about {ticket_title}."
        "\n\n{agent_name}",
    ),
    (
        "Instructions",
        "How to go on with {ticket_number}",
        "Hello, {customer_first_name}.\n\nPlease follow the steps below.\n\n{agent_name}",
    ),
]
TECHNICIANS = ["agent@helpdesk.example", "manager@helpdesk.example"]
SCRIPT_NAME = ("No internet connection", "Sem conexão com a internet")
# question, what to tell the client, what the operator does, [(answer, next question index)]
SCRIPT = [
    (
        "Are the lights of the modem on?",
        "Look at the front of the modem, next to the power cable.",
        "Open the client's connection in the monitoring tool.",
        [("Yes, all of them", 1), ("No, none", 2)],
    ),
    (
        "Does it work after restarting the modem?",
        "Unplug the modem, wait ten seconds and plug it back.",
        "Watch the connection come back in the monitoring tool.",
        [("Yes", None), ("No", 2)],
    ),
    (
        "Is the cable from the street connected?",
        "Check the cable that comes into the modem from outside.",
        "If it is, offer a technician visit.",
        [("Yes", None), ("No, it was loose", None)],
    ),
]

# e-mail, full name, role, organization index, master, departments (name, manager)
PEOPLE = [
    ("admin@helpdesk.example", "Ana Administradora", User.Role.ADMINISTRATOR, None, False, []),
    (
        "manager@helpdesk.example",
        "Marcos Gerente",
        User.Role.AGENT,
        None,
        False,
        [("Support", True), ("Development", True)],
    ),
    (
        "agent@helpdesk.example",
        "Aline Atendente",
        User.Role.AGENT,
        None,
        False,
        [("Support", False)],
    ),
    (
        "billing.agent@helpdesk.example",
        "Bruno Financeiro",
        User.Role.AGENT,
        None,
        False,
        [("Billing", False)],
    ),
    ("master@acme.example", "Carla Master (Acme)", User.Role.CUSTOMER, 0, True, []),
    ("light@acme.example", "Lucas Leve (Acme)", User.Role.CUSTOMER, 0, False, []),
    ("colleague@acme.example", "Júlia Colega (Acme)", User.Role.CUSTOMER, 0, False, []),
    ("master@globex.example", "Gustavo Master (Globex)", User.Role.CUSTOMER, 1, True, []),
    ("light@globex.example", "Helena Leve (Globex)", User.Role.CUSTOMER, 1, False, []),
]


def _item(model, position, name, name_pt_br, **fields):
    item, _ = model.objects.update_or_create(
        name=name, defaults={"name_pt_br": name_pt_br, "position": position, **fields}
    )
    return item


class Command(BaseCommand):
    help = "Create or refresh the demo organizations, departments, people and settings."

    @transaction.atomic
    def handle(self, *args, **options):
        organizations = [
            Organization.objects.update_or_create(name=name, defaults={"email_domain": domain})[0]
            for name, domain in ORGANIZATIONS
        ]
        departments = {}
        for position, (name, name_pt_br, email, categories) in enumerate(DEPARTMENTS):
            department = _item(Department, position, name, name_pt_br, email=email)
            departments[name] = department
            for cat_position, (cat_name, cat_pt) in enumerate(categories):
                Category.objects.update_or_create(
                    department=department,
                    name=cat_name,
                    defaults={"name_pt_br": cat_pt, "position": 10 + cat_position},
                )
        for position, (name, name_pt_br, requires) in enumerate(GLOBAL_CATEGORIES):
            Category.objects.update_or_create(
                department=None,
                name=name,
                defaults={
                    "name_pt_br": name_pt_br,
                    "position": position,
                    "requires_attachment": requires,
                },
            )
        for position, (name, name_pt_br) in enumerate(PRODUCTS):
            _item(Product, position, name, name_pt_br)
        for position, (name, name_pt_br, first, resolution, default) in enumerate(PRIORITIES):
            _item(
                Priority,
                position,
                name,
                name_pt_br,
                first_response_hours=first,
                resolution_hours=resolution,
                is_default=default,
            )
        for position, (name, name_pt_br) in enumerate(SEVERITIES):
            _item(Severity, position, name, name_pt_br)
        for position, (name, name_pt_br) in enumerate(PROGRESS_LABELS):
            _item(ProgressLabel, position, name, name_pt_br)
        for email, full_name, role, org, master, memberships in PEOPLE:
            self._person(
                email, full_name, role, org, master, memberships, organizations, departments
            )
        self._attendance(departments)
        self._tickets()
        # Months of past tickets for the reports' charts (helpdesk/demo_history.py).
        seed_history()
        self._print_logins()

    def _person(self, email, full_name, role, org, master, memberships, organizations, departments):
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "role": role,
                "organization": organizations[org] if org is not None else None,
                "is_master": master,
                "email_confirmed_at": timezone.now(),
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for department_name, is_manager in memberships:
            DepartmentMembership.objects.update_or_create(
                user=user,
                department=departments[department_name],
                defaults={"is_manager": is_manager},
            )

    def _attendance(self, departments):
        """What a guided attendance needs (S1): plans, types, a script, templates, technicians."""
        for position, (name, name_pt_br, department) in enumerate(PLANS):
            _item(ServicePlan, position, name, name_pt_br, department=departments[department])
        for position, (name, name_pt_br, department) in enumerate(ATTENDANCE_TYPES):
            _item(
                AttendanceType, position, name, name_pt_br,
                department=departments[department] if department else None,
            )  # fmt: skip
        for position, (name, subject, body) in enumerate(EMAIL_TEMPLATES):
            _item(EmailTemplate, position, name, "", subject=subject, body=body)
        User.objects.filter(email__in=TECHNICIANS).update(is_technician=True)
        script = _item(AttendanceScript, 0, *SCRIPT_NAME)
        if script.questions.exists():
            return
        questions = [
            ScriptQuestion.objects.create(
                script=script,
                position=position,
                question=question,
                client_explanation=client,
                operator_explanation=operator,
            )
            for position, (question, client, operator, _options) in enumerate(SCRIPT)
        ]
        for question, (*_texts, options) in zip(questions, SCRIPT, strict=True):
            for position, (label, next_index) in enumerate(options):
                ScriptOption.objects.create(
                    question=question, position=position, label=label,
                    next_question=questions[next_index] if next_index is not None else None,
                )  # fmt: skip

    def _tickets(self):
        """A handful of tickets in different states, once: the queues are not empty on day one."""
        if Ticket.objects.exists():
            return
        people = {user.email: user for user in User.objects.all()}
        support = Department.objects.get(name="Support")
        billing = Department.objects.get(name="Billing")
        question = Category.objects.get(name="Question", department=None)
        agent, manager = people["agent@helpdesk.example"], people["manager@helpdesk.example"]
        light, colleague = people["light@acme.example"], people["colleague@acme.example"]
        globex = people["light@globex.example"]
        samples = [
            (
                light,
                support,
                "The invoice report is blank",
                "<p>Since Monday the report shows no rows.</p>",
            ),
            (
                colleague,
                support,
                "Cannot log in to the mobile app",
                "<p>It says my session expired.</p>",
            ),
            (globex, billing, "Second copy of the March invoice", "<p>Please send it again.</p>"),
            (
                light,
                support,
                "Export to Excel cuts long names",
                "<p>Names longer than 30 letters.</p>",
            ),
        ]
        opened = [
            services.open_ticket(
                actor=who,
                requester=who,
                department=where,
                category=question,
                title=title,
                body_html=body,
            )
            for who, where, title, body in samples
        ]
        services.claim_ticket(ticket=opened[1], actor=agent)
        services.reply_to_ticket(
            ticket=opened[1],
            actor=agent,
            body_html="<p>Which phone and app version do you use?</p>",
        )
        services.claim_ticket(ticket=opened[3], actor=manager)
        services.reply_to_ticket(
            ticket=opened[3], actor=manager, body_html="<p>Fixed in version 2.4; please update.</p>"
        )
        services.resolve_ticket(ticket=opened[3], actor=manager)

    def _print_logins(self):
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for email, full_name, role, org, master, memberships in PEOPLE:
            if role == User.Role.CUSTOMER:
                what = "master user" if master else "light user"
                what += f" of {ORGANIZATIONS[org][0]}"
            elif memberships:
                what = ", ".join(
                    f"{name} ({'manager' if manager else 'agent'})" for name, manager in memberships
                )
            else:
                what = "administrator"
            self.stdout.write(f"  {email:<28} {full_name:<26} {what}")
