"""xinan (信安): customer-information security management for 客户信息安全管理制度."""

__version__ = "0.1.0"
