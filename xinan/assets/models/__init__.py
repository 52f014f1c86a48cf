"""The assets domain's models (split by subject; every file stays small)."""

from .common import Classification
from .endpoint import EndpointEvent, EndpointException, EndpointImport
from .equipment import AssetKeeper, Equipment, MaintenanceRecord, ResponsibleChange
from .footage import FootageArchive, FootageDeletion, FootageRelease
from .flows import RemnantBatch, Repair, Scrapping, Transfer
from .media import MediumContent, MediumHandover, MediumLabel, MediumLoan, Sanitisation, StorageMedium
from .handover import HandoverConfirmation
from .media_flows import (MediumAuthorisation, MediumDisposal, MediumMigration, MediumMigrationPlan, MediumMovement,
                          RemovalPass, TechnicianVisit)
from .penalty import Penalty
from .purchase import PurchaseRequest
from .software import Software, SoftwareCopy, SoftwareInstallation, SoftwareRequest
from .stocktake import StockTake, StockTakeItem
from .systems import InformationSystem, RegulationDocument, SystemChange, SystemMaintenance
from .systems_secrecy import SystemClassificationChange

__all__ = [
    "EndpointEvent", "EndpointException", "EndpointImport",
    "Classification", "AssetKeeper", "Equipment", "MaintenanceRecord", "ResponsibleChange", "RemnantBatch",
    "Repair", "Scrapping", "Transfer", "MediumContent", "MediumHandover", "MediumLabel", "MediumLoan",
    "Sanitisation", "StorageMedium", "Penalty", "Software", "SoftwareCopy", "SoftwareInstallation",
    "SoftwareRequest", "StockTake", "StockTakeItem",
    "HandoverConfirmation", "PurchaseRequest", "InformationSystem", "RegulationDocument", "SystemChange",
    "SystemMaintenance", "SystemClassificationChange",
    "MediumAuthorisation", "MediumDisposal", "MediumMigration", "MediumMigrationPlan", "MediumMovement", "RemovalPass",
    "TechnicianVisit",
    "FootageArchive", "FootageDeletion", "FootageRelease",
]
