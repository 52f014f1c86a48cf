"""The built-in roles. They are data (``Role`` rows), created or brought up to date after every
migration by ``services.roles_sync_builtin``; an organisation adds its own roles beside them.
"""

from django.utils.translation import gettext_lazy as _

from .permissions import register_permissions as reg

ORG_REGISTERS = reg("org", "department") + reg("org", "post") + reg("org", "person")
ORG_READ = ["org.department.view", "org.post.view", "org.person.view"]
# Assets (设备、介质、软件): the system administrator manages the registers and runs the steps
# (调用执行, 维修诊断, 报废鉴定, 软件审批); the deputy general manager approves transfers,
# external repairs and the destruction of classified media; department heads see their
# department's registers, propose scrapping and approve it; staff report faults and ask for software.
ASSETS_MODELS = ("equipment", "responsiblechange", "assetkeeper", "maintenancerecord", "transfer", "repair",
                 "scrapping", "storagemedium", "mediumcontent", "mediumloan", "sanitisation", "software",
                 "softwarerequest", "softwareinstallation", "softwarecopy", "stocktake", "penalty",
                 "endpointimport", "endpointevent", "endpointexception")
# Information systems, changes, regulation documents and spares purchases (p27.2.*, p07.12, p15.5.4):
# the system administrator keeps them and implements approved changes (后勤采购 as a custom role
# holding assets.purchaserequest.purchase, by default the administrator); the deputy general manager
# approves changes and, as 院长/总经理, purchases; the department head approves the IT department's request.
ASSETS_MODELS += ("informationsystem", "systemmaintenance", "systemchange", "regulationdocument", "purchaserequest")
# Storage media flows (p14.2, p14.3, p14.6, p08.9.4-a, p15.2.8-d, p17.6.5).
ASSETS_MODELS += ("mediumdisposal", "mediummovement", "mediummigrationplan", "mediummigration", "mediumauthorisation",
                  "removalpass", "technicianvisit")
# 系统密级变更记录 (p08.9.6): requested by the administrators, reviewed by the secrecy office.
ASSETS_MODELS += ("systemclassificationchange",)
# Monitoring footage (p15.8.3-a/c, p15.8.5-a): the administrator keeps the burn records and releases
# copies; a company leader or the security administrator approves copies, downloads and loans.
ASSETS_MODELS += ("footagearchive", "footagedeletion", "footagerelease")
ASSETS_READ = [f"assets.{m}.view" for m in ASSETS_MODELS]
ASSETS_ADMIN = [p for m in ASSETS_MODELS for p in reg("assets", m)] + [
    "assets.transfer.execute", "assets.repair.diagnose", "assets.scrapping.appraise", "assets.remnantbatch.add",
    "assets.softwarerequest.approve", "assets.storagemedium.approve_destruction", "assets.penalty.decide",
    "assets.systemchange.implement", "assets.purchaserequest.purchase"]
ASSETS_ADMIN += ["assets.removalpass.approve", "assets.mediumauthorisation.review_technology"]
ASSETS_ADMIN += ["assets.footagerelease.release"]
# 信息安全科 (the security administrator) writes classified data to removable media (p05.0.3.2-a)
# and reviews authorisations to use classified media and devices for the secrecy office (p08.9.4-a).
ASSETS_SECURITY = ["assets.storagemedium.view", "assets.mediumcontent.view",
                   "assets.mediumcontent.write_classified", "assets.mediumauthorisation.view",
                   "assets.mediumauthorisation.review_secrecy", "assets.footagerelease.view",
                   "assets.footagerelease.approve"]
# 保密办 (the security administrator) reviews every 定密、变更密级和解密 of an information system (p08.9.6).
ASSETS_SECURITY += ["assets.informationsystem.view", "assets.systemclassificationchange.view",
                    "assets.systemclassificationchange.review"]
ASSETS_APPROVE = ASSETS_READ + ["assets.transfer.approve", "assets.repair.approve",
                                "assets.storagemedium.approve_destruction",
                                "assets.storagemedium.approve_classified_destruction",
                                "assets.systemchange.approve", "assets.purchaserequest.approve_leader",
                                "assets.footagerelease.approve"]
ASSETS_DEPARTMENT = ASSETS_READ + ["assets.scrapping.add", "assets.scrapping.approve", "assets.repair.add",
                                   "assets.repair.approve", "assets.softwarerequest.add",
                                   "assets.purchaserequest.approve"]
ASSETS_STAFF = ["assets.equipment.view", "assets.repair.view", "assets.repair.add", "assets.softwarerequest.view",
                "assets.softwarerequest.add", "assets.scrapping.view", "assets.scrapping.add"]
ASSETS_FINANCE = ["assets.equipment.view", "assets.scrapping.view", "assets.scrapping.finance"]
# The IP plan: the system administrator plans and allocates, and approves network access (信息科,
# p15.2.7); a company leader approves public addresses (p16.3.3); others see their department's.
NETWORK_READ = ["network.subnet.view", "network.ipallocation.view", "network.networkaccessrequest.view",
                "network.observation.view"]
NETWORK_ARCH = ["securityzone", "boundary", "externallink", "networkdevice", "topologydiagram", "networkowner",
                "networkchange", "monitoringreport", "networkviolation",
                "serverservice", "securitycontrol", "controlbaseline", "systemweakness", "networklink",
                "remoteaccessapplication"]
NETWORK_READ += [f"network.{m}.view" for m in NETWORK_ARCH]
NETWORK_ADMIN = (reg("network", "subnet") + reg("network", "ipallocation") + reg("network", "networkaccessrequest")
                 + [p for m in NETWORK_ARCH for p in reg("network", m)]
                 + ["network.networkaccessrequest.approve", "network.observation.view", "network.observation.import",
                    "network.remoteaccessapplication.approve", "network.fact.view", "network.fact.import"])
NETWORK_REQUEST = ["network.subnet.view", "network.ipallocation.view", "network.networkaccessrequest.view",
                   "network.networkaccessrequest.add", "network.remoteaccessapplication.view",
                   "network.remoteaccessapplication.add"]

BUILTIN_ROLES = [
    dict(
        code="system_admin", name=_("系统管理员"), triad="system_admin", is_administrator=True, requires_mfa=True,
        scope="organisation",
        description=_("管理系统、账号与登记簿数据;不得查看、导出或修改审计事件。"),
        permissions=ASSETS_ADMIN + ORG_REGISTERS + NETWORK_ADMIN + ["identity.account.manage", "core.task.view"],
    ),
    dict(
        code="security_admin", name=_("安全保密管理员"), triad="security_admin", is_administrator=True,
        requires_mfa=True, scope="organisation",
        description=_("授予角色、设置安全参数、解除账号锁定;不得批准本人发起的授权。"),
        permissions=ORG_READ + NETWORK_READ + [
            "org.role.view", "org.role.grant", "org.role.approve", "identity.parameter.change",
            "identity.account.unlock", "identity.account.view", "core.parameter.change",
            "identity.apitoken.view", "identity.apitoken.revoke", "workflows.instance.view",
            "obligations.task.view_all", "obligations.task.cancel",
        ] + ASSETS_SECURITY + reg("policy", "attestation") + ["policy.report.view"],
    ),
    dict(
        code="auditor", name=_("安全审计员"), triad="auditor", is_administrator=True, requires_mfa=True,
        scope="organisation",
        description=_("查阅审计事件与报告;不得修改其他任何数据。"),
        permissions=ORG_READ + NETWORK_READ + ["org.role.view", "audit.event.view", "audit.event.export", "audit.checkpoint.view",
                                "policy.report.view", "policy.attestation.view", "workflows.instance.view"],
    ),
    dict(
        code="deputy_gm", name=_("副总经理"), scope="organisation",
        description=_("分管信息安全的公司领导,审批调用、授权等事项。"),
        permissions=ASSETS_APPROVE + ORG_READ + NETWORK_READ + ["network.publicip.approve", "org.role.view", "org.role.approve", "policy.report.view", "policy.attestation.view",
                                "policy.attestation.approve", "workflows.instance.view"],
    ),
    dict(
        code="department_head", name=_("部门负责人"), scope="department",
        description=_("审批本部门人员的申请,查看本部门登记簿。"),
        permissions=ASSETS_DEPARTMENT + ORG_READ + NETWORK_REQUEST,
    ),
    dict(
        code="staff", name=_("员工"), scope="department",
        description=_("提交申请与报告,查看本部门人员。"),
        permissions=ASSETS_STAFF + NETWORK_REQUEST + ["org.person.view", "org.department.view", "org.post.view"],
    ),
    dict(
        code="finance", name=_("财务人员"), scope="organisation",
        description=_("办理设备报废的财务手续。"),
        permissions=ORG_READ + ASSETS_FINANCE,
    ),
]
