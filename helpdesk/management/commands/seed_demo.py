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
    CannedReply,
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
        "Visita técnica do chamado {ticket_number}",
        "Olá, {customer_first_name}.\n\nNosso técnico fará uma visita sobre {ticket_title}."
        "\n\nAtenciosamente,\n{agent_name}",
    ),
    (
        "Instructions",
        "Como seguir com o chamado {ticket_number}",
        "Olá, {customer_first_name}.\n\nPor favor, siga os passos abaixo.\n\n"
        "Atenciosamente,\n{agent_name}",
    ),
]
EMAIL_TEMPLATE_NAMES_PT_BR = {"Visit confirmation": "Confirmação de visita",
                              "Instructions": "Instruções"}  # fmt: skip
# Canned replies (S3 "Respostas padrões"): title, text, department (None: every department).
CANNED_REPLIES = [
    ("Pedir mais detalhes",
     "<p>Olá, {customer_first_name}.</p><p>Para seguirmos com o chamado {ticket_number}, pode "
     "nos enviar um print da tela e o passo a passo até o erro?</p><p>{agent_name}</p>", None),
    ("Problema resolvido",
     "<p>Olá, {customer_first_name}.</p><p>O problema de \u201c{ticket_title}\u201d foi "
     "corrigido. Se algo ainda não estiver certo, é só responder esta mensagem.</p>"
     "<p>{agent_name}</p>", None),
    ("Segunda via do boleto",
     "<p>Olá, {customer_first_name}.</p><p>Segue a segunda via do boleto, com vencimento "
     "atualizado.</p><p>{agent_name}</p>", "Billing"),
]  # fmt: skip
TECHNICIANS = ["agent@helpdesk.example", "manager@helpdesk.example"]
SCRIPT_NAME = ("No internet connection", "Sem conexão com a internet")
# question, what to tell the client, what the operator does, [(answer, next question index)]
SCRIPT = [
    (
        "As luzes do modem estão acesas?",
        "Olhe a frente do modem, ao lado do cabo de energia.",
        "Abra a conexão do cliente na ferramenta de monitoramento.",
        [("Sim, todas", 1), ("Não, nenhuma", 2)],
    ),
    (
        "Funciona depois de reiniciar o modem?",
        "Tire o modem da tomada, espere dez segundos e ligue de novo.",
        "Acompanhe a volta da conexão na ferramenta de monitoramento.",
        [("Sim", None), ("Não", 2)],
    ),
    (
        "O cabo que vem da rua está conectado?",
        "Confira o cabo que chega ao modem vindo de fora.",
        "Se estiver, ofereça uma visita técnica.",
        [("Sim", None), ("Não, estava solto", None)],
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
                "language": "pt-br",  # the demo's people are Brazilian
            },
        )
        if user.language in ("", "en") and user.last_login is None:  # left at a default
            user.language = "pt-br"
            user.save(update_fields=["language"])
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
            _item(
                EmailTemplate, position, name, EMAIL_TEMPLATE_NAMES_PT_BR.get(name, ""),
                subject=subject, body=body,
            )  # fmt: skip
        for title, body_html, department in CANNED_REPLIES:
            CannedReply.objects.update_or_create(
                title=title, owner=None,
                defaults={"body_html": body_html,
                          "department": departments[department] if department else None},
            )  # fmt: skip
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
                "O relatório de notas fiscais está em branco",
                "<p>Desde segunda-feira o relatório não mostra nenhuma linha.</p>",
            ),
            (
                colleague,
                support,
                "Não consigo entrar no aplicativo do celular",
                "<p>Aparece a mensagem de que minha sessão expirou.</p>",
            ),
            (globex, billing, "Segunda via do boleto de março", "<p>Podem enviar de novo?</p>"),
            (
                light,
                support,
                "A exportação para Excel corta nomes longos",
                "<p>Nomes com mais de 30 letras saem cortados.</p>",
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
            body_html="<p>Qual é o modelo do celular e a versão do aplicativo?</p>",
        )
        services.claim_ticket(ticket=opened[3], actor=manager)
        services.reply_to_ticket(
            ticket=opened[3],
            actor=manager,
            body_html="<p>Corrigido na versão 2.4; por favor, atualize.</p>",
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
